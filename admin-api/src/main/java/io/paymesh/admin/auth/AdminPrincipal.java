package io.paymesh.admin.auth;

import java.security.Principal;
import java.util.Set;

/**
 * The authenticated caller of one request: the configured token's name (the audit actor) and its
 * roles. Never carries the token itself.
 */
public record AdminPrincipal(String name, Set<Role> roles) implements Principal {

  public AdminPrincipal {
    roles = Set.copyOf(roles);
  }

  @Override
  public String getName() {
    return name;
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
