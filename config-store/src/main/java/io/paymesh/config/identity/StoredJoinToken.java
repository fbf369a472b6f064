package io.paymesh.config.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.store.RecordJson;
import java.time.Instant;
import java.util.Objects;

/**
 * The value stored under a join token's hash: {@code {"service", "expiresAt", "createdBy"}}. It
 * holds nothing derived from the secret; the key is its only link to the token.
 *
 * @param service the Service whose identity the token may obtain
 * @param expiresAt after this instant the token is refused even if its lease has not yet run out
 * @param createdBy the actor who issued it
 */
public record StoredJoinToken(String service, Instant expiresAt, String createdBy) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public StoredJoinToken {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(createdBy, "createdBy");
  }

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("service", service);
    node.put("expiresAt", expiresAt.toString());
    node.put("createdBy", createdBy);
    return node.toString();
  }

  /**
   * @throws IllegalArgumentException naming the field when the value was not written by
   *     {@link JoinTokens}
   */
  static StoredJoinToken fromJson(String value) {
    JsonNode node = RecordJson.object(value);
    return new StoredJoinToken(RecordJson.text(node, "service"),
        RecordJson.instant(node, "expiresAt"), RecordJson.text(node, "createdBy"));
  }
}
