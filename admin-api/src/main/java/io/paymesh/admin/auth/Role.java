package io.paymesh.admin.auth;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * What a token may do. Every role may read; writes are split between routing kinds (operator)
 * and security kinds (security-admin) so that neither alone can both open a route and the
 * authorization in front of it. {@link #wireName()} is the name used in the config file.
 */
public enum Role {
  VIEWER("viewer"),
  OPERATOR("operator"),
  SECURITY_ADMIN("security-admin"),
  ADMIN("admin");

  private final String wireName;

  Role(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static Role fromWireName(String name) {
    return Arrays.stream(values())
        .filter(r -> r.wireName.equals(name))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException(
                "unknown role '" + name + "', expected one of viewer, operator, security-admin, admin"));
  }
}
