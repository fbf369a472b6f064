package io.paymesh.config.store;

import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One change as applied by a commit.
 *
 * @param revision the commit's etcd revision: the document's new mod revision (for a delete, the
 *     revision of the deletion) and the audit entry's revision
 * @param before the version that was replaced, exactly (the transaction compared its revision);
 *     empty if there was none, or if what was stored did not decode
 */
public record CommittedChange(
    ResourceKey key,
    Operation operation,
    long revision,
    Optional<PolicyResource> before,
    Optional<PolicyResource> after) {
  public CommittedChange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
  }
}
