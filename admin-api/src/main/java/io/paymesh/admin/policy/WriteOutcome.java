package io.paymesh.admin.policy;

import io.paymesh.config.proposal.StoredProposal;
import io.paymesh.config.store.CommitResult;

/** What a write did: committed the changes, or proposed them for a second security admin. */
public sealed interface WriteOutcome {

  record Committed(CommitResult result) implements WriteOutcome {}

  record Proposed(StoredProposal proposal) implements WriteOutcome {}
}
