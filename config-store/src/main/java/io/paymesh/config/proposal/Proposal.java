package io.paymesh.config.proposal;

import static io.paymesh.config.store.RecordJson.instant;
import static io.paymesh.config.store.RecordJson.object;
import static io.paymesh.config.store.RecordJson.optionalText;
import static io.paymesh.config.store.RecordJson.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A change waiting for a second security admin: who proposed it and why, until when it can be
 * approved, the documents (all committed together or none), and the security-relevant parts that
 * made it need approval. Stored as JSON under {@code <prefix>proposals/<id>}.
 *
 * @param rollback true if approving it restores earlier versions (recorded as ROLLBACK)
 * @param securityChanges what made the change need approval, e.g. {@code Service/payments:
 *     spec.identity changes}
 */
public record Proposal(
    String id,
    String proposer,
    String reason,
    Instant createdAt,
    Instant expiresAt,
    boolean rollback,
    List<ProposedChange> changes,
    List<String> securityChanges,
    Optional<Request> request) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The request that made the proposal, when it came with an Idempotency-Key: a retry under the
   * key finds this proposal instead of making another.
   *
   * @param fingerprint the digest of the request (see the admin API's idempotency)
   * @param requestLine method and path of the request, to name it if the key is reused
   */
  public record Request(String idempotencyKey, String fingerprint, String requestLine) {}

  /**
   * The proposer's idempotency claim, recorded when the proposal is approved: a retry of the
   * proposing request then answers the commit instead of proposing the change again.
   */
  public Optional<IdempotencyClaim> idempotencyClaim() {
    return request.map(r -> new IdempotencyClaim(proposer, r.idempotencyKey(), r.fingerprint(),
        r.requestLine()));
  }

  public Proposal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(proposer, "proposer");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    changes = List.copyOf(changes);
    securityChanges = List.copyOf(securityChanges);
    Objects.requireNonNull(request, "request");
    if (changes.isEmpty()) {
      throw new IllegalArgumentException("a proposal holds at least one change");
    }
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id);
    node.put("proposer", proposer);
    node.put("reason", reason);
    node.put("createdAt", createdAt.toString());
    node.put("expiresAt", expiresAt.toString());
    node.put("rollback", rollback);
    ArrayNode docs = node.putArray("changes");
    for (ProposedChange change : changes) {
      ObjectNode doc = docs.addObject();
      doc.put("kind", change.key().kind().wireName());
      doc.put("name", change.key().name());
      doc.put("expectedModRevision", change.expectedModRevision());
      change.afterJson().ifPresent(json -> doc.set("after", tree(json)));
    }
    ArrayNode why = node.putArray("securityChanges");
    securityChanges.forEach(why::add);
    request.ifPresent(r -> {
      node.put("idempotencyKey", r.idempotencyKey());
      node.put("requestFingerprint", r.fingerprint());
      node.put("requestLine", r.requestLine());
    });
    return node.toString();
  }

  /** @throws IllegalArgumentException if the value is not a proposal (written around paymesh) */
  static Proposal fromJson(String value) {
    JsonNode node = object(value);
    List<ProposedChange> changes = new ArrayList<>();
    for (JsonNode doc : array(node, "changes")) {
      String kindName = text(doc, "kind");
      Kind kind = Kind.fromWireName(kindName)
          .orElseThrow(() -> new IllegalArgumentException("unknown kind " + kindName));
      JsonNode after = doc.get("after");
      changes.add(new ProposedChange(new ResourceKey(kind, text(doc, "name")),
          doc.path("expectedModRevision").asLong(-1),
          after == null || after.isNull() ? Optional.empty() : Optional.of(after.toString())));
    }
    List<String> why = new ArrayList<>();
    array(node, "securityChanges").forEach(w -> why.add(w.asText()));
    return new Proposal(text(node, "id"), text(node, "proposer"), text(node, "reason"),
        instant(node, "createdAt"), instant(node, "expiresAt"), node.path("rollback").asBoolean(),
        changes, why, optionalText(node, "idempotencyKey")
            .map(key -> new Request(key, text(node, "requestFingerprint"),
                text(node, "requestLine"))));
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("document is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static Iterable<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new IllegalArgumentException(field + ": required array");
    }
    return value;
  }

}
