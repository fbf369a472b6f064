package io.paymesh.config.proposal;

import io.paymesh.config.model.ResourceKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One document of a proposal.
 *
 * @param expectedModRevision the document's mod revision when it was proposed (0: absent); the
 *     approval commits only if the document is still there, so a proposal made against an older
 *     version cannot be approved after the document moved
 * @param afterJson the proposed document's canonical JSON; empty to delete it
 */
public record ProposedChange(ResourceKey key, long expectedModRevision, Optional<String> afterJson) {
  public ProposedChange {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(afterJson, "afterJson");
    if (expectedModRevision < 0) {
      throw new IllegalArgumentException("mod revision must not be negative");
    }
  }
}
