package io.paymesh.config.audit;

import static io.paymesh.config.store.RecordJson.instant;
import static io.paymesh.config.store.RecordJson.object;
import static io.paymesh.config.store.RecordJson.optionalText;
import static io.paymesh.config.store.RecordJson.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Operation;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The value stored under an audit key, written by the repository in the same transaction as the
 * change: {@code {actor, at, reason?, kind, name, operation, before?, after?, approvedBy?,
 * approvalReason?}} with {@code at} in
 * ISO-8601 and before/after the documents' canonical JSON embedded as objects. It carries no
 * revision: that is the key's create revision, known only once the transaction has committed.
 */
public record AuditRecord(
    String actor,
    Instant at,
    Optional<String> reason,
    ResourceKey key,
    Operation operation,
    Optional<String> beforeJson,
    Optional<String> afterJson,
    Optional<Approval> approval) {
  static final String ACTOR = "actor";
  static final String AT = "at";
  static final String REASON = "reason";
  static final String KIND = "kind";
  static final String NAME = "name";
  static final String OPERATION = "operation";
  static final String BEFORE = "before";
  static final String AFTER = "after";
  static final String APPROVED_BY = "approvedBy";
  static final String APPROVAL_REASON = "approvalReason";
  private static final ObjectMapper JSON = new ObjectMapper();

  public AuditRecord {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(beforeJson, "beforeJson");
    Objects.requireNonNull(afterJson, "afterJson");
    Objects.requireNonNull(approval, "approval");
  }

  /** The record of a change that needed no approval. */
  public AuditRecord(String actor, Instant at, Optional<String> reason, ResourceKey key,
      Operation operation, Optional<String> beforeJson, Optional<String> afterJson) {
    this(actor, at, reason, key, operation, beforeJson, afterJson, Optional.empty());
  }

  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put(ACTOR, actor);
    node.put(AT, at.toString());
    reason.ifPresent(r -> node.put(REASON, r));
    node.put(KIND, key.kind().wireName());
    node.put(NAME, key.name());
    node.put(OPERATION, operation.name());
    beforeJson.ifPresent(json -> node.set(BEFORE, tree(json)));
    afterJson.ifPresent(json -> node.set(AFTER, tree(json)));
    approval.ifPresent(a -> {
      node.put(APPROVED_BY, a.approver());
      node.put(APPROVAL_REASON, a.reason());
    });
    return node.toString();
  }

  /** The entry this record became at {@code revision} (its key's create revision). */
  public AuditEntry at(long revision) {
    return new AuditEntry(revision, at, actor, reason, key, operation, beforeJson, afterJson,
        approval);
  }

  /**
   * Reads a stored record.
   *
   * @throws IllegalArgumentException if the value is not an audit record (written around paymesh)
   */
  public static AuditRecord fromJson(String value) {
    JsonNode node = object(value);
    String kindName = text(node, KIND);
    Kind kind = Kind.fromWireName(kindName)
        .orElseThrow(() -> new IllegalArgumentException("unknown kind " + kindName));
    return new AuditRecord(
        text(node, ACTOR),
        instant(node, AT),
        optionalText(node, REASON),
        new ResourceKey(kind, text(node, NAME)),
        Operation.valueOf(text(node, OPERATION)),
        document(node, BEFORE),
        document(node, AFTER),
        approval(node));
  }

  private static Optional<Approval> approval(JsonNode node) {
    Optional<String> approver = optionalText(node, APPROVED_BY);
    if (approver.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Approval(approver.get(), text(node, APPROVAL_REASON)));
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("document is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Re-serializing the embedded tree gives back the canonical JSON: Jackson keeps field order. */
  private static Optional<String> document(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException(field + ": must be a document object");
    }
    return Optional.of(value.toString());
  }
}
