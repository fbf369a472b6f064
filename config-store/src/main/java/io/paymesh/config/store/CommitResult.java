package io.paymesh.config.store;

import java.util.List;

/**
 * The outcome of one {@link PolicyRepository#commit}: every change applied at one etcd revision.
 *
 * @param changes in the order they were requested
 */
public record CommitResult(long revision, List<CommittedChange> changes) {
  public CommitResult {
    changes = List.copyOf(changes);
  }

  public CommitSummary summary() {
    return new CommitSummary(revision, changes.stream()
        .map(c -> new CommitSummary.Entry(c.key(), c.operation()))
        .toList());
  }
}
