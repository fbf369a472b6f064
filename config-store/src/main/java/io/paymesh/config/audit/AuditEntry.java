package io.paymesh.config.audit;

import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Operation;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change of one document as read back from the audit log.
 *
 * @param revision the etcd revision of the commit (the document's mod revision after it)
 * @param beforeJson the canonical JSON ({@code PolicyCodec.toJson}) of the replaced version
 * @param afterJson the canonical JSON of the new version; empty for a delete
 * @param approval who approved the change (four-eyes), if it was proposed first
 */
public record AuditEntry(
    long revision,
    Instant at,
    String actor,
    Optional<String> reason,
    ResourceKey key,
    Operation operation,
    Optional<String> beforeJson,
    Optional<String> afterJson,
    Optional<Approval> approval) {
  public AuditEntry {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(beforeJson, "beforeJson");
    Objects.requireNonNull(afterJson, "afterJson");
    Objects.requireNonNull(approval, "approval");
  }

  /** An entry of a change that needed no approval. */
  public AuditEntry(long revision, Instant at, String actor, Optional<String> reason,
      ResourceKey key, Operation operation, Optional<String> beforeJson,
      Optional<String> afterJson) {
    this(revision, at, actor, reason, key, operation, beforeJson, afterJson, Optional.empty());
  }
}
