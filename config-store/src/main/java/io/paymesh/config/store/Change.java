package io.paymesh.config.store;

import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One requested change to one document, the unit of {@link PolicyRepository#commit}.
 *
 * @param after the new version; empty to delete the document
 */
public record Change(ResourceKey key, Optional<PolicyResource> after, Precondition precondition) {
  public Change {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(precondition, "precondition");
    if (after.isPresent() && !after.get().key().equals(key)) {
      throw new IllegalArgumentException("change of " + key + " carries " + after.get().key());
    }
    if (after.isEmpty() && precondition instanceof Precondition.Absent) {
      throw new IllegalArgumentException("cannot delete " + key + " on condition it is absent");
    }
  }

  /** Create or replace {@code resource}. */
  public static Change put(PolicyResource resource, Precondition precondition) {
    return new Change(resource.key(), Optional.of(resource), precondition);
  }

  public static Change delete(ResourceKey key, Precondition precondition) {
    return new Change(key, Optional.empty(), precondition);
  }

  public boolean isDelete() {
    return after.isEmpty();
  }
}
