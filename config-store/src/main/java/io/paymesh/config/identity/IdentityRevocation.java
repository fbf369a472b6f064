package io.paymesh.config.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.store.RecordJson;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The revocation of a Service's workload identity, stored under
 * {@code <prefix>identity/revocations/<service>} as {@code {"revokedAt", "by", "reason"?}}.
 * Certificates issued at or before {@code revokedAt} can no longer be renewed; a new join token
 * enrols the service again.
 */
public record IdentityRevocation(String service, Instant revokedAt, String by,
    Optional<String> reason) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public IdentityRevocation {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(revokedAt, "revokedAt");
    Objects.requireNonNull(by, "by");
    Objects.requireNonNull(reason, "reason");
  }

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("revokedAt", revokedAt.toString());
    node.put("by", by);
    reason.ifPresent(r -> node.put("reason", r));
    return node.toString();
  }

  /** @throws IllegalArgumentException naming the field, for a value not written by paymesh */
  static IdentityRevocation fromJson(String service, String value) {
    JsonNode node = RecordJson.object(value);
    return new IdentityRevocation(service, RecordJson.instant(node, "revokedAt"),
        RecordJson.text(node, "by"), RecordJson.optionalText(node, "reason"));
  }
}
