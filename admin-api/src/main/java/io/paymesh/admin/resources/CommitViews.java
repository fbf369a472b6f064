package io.paymesh.admin.resources;

import io.paymesh.admin.api.CommitResponse;
import io.paymesh.config.store.CommitSummary;

/** The answer body of a commit; rendered the same for the commit and for its replay. */
final class CommitViews {
  private CommitViews() {}

  static CommitResponse view(CommitSummary summary) {
    return new CommitResponse(summary.revision(),
        summary.changes().stream()
            .map(c -> new CommitResponse.Committed(c.key().kind().wireName(), c.key().name(),
                c.operation().name(), summary.revision()))
            .toList());
  }
}
