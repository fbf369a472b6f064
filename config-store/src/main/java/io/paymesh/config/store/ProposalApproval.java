package io.paymesh.config.store;

import io.paymesh.config.audit.Approval;
import java.util.Objects;

/**
 * Commits a proposed change on its approval: the commit's transaction also requires the proposal
 * to be still stored at {@code proposalModRevision} and deletes it, so a proposal is committed at
 * most once, and never after it was withdrawn or expired. The approval goes into every audit
 * record of the commit.
 *
 * @param proposalKey the etcd key of the proposal
 * @param proposalModRevision the proposal's mod revision when the approver read it
 */
public record ProposalApproval(String proposalKey, long proposalModRevision, Approval approval) {
  public ProposalApproval {
    Objects.requireNonNull(proposalKey, "proposalKey");
    Objects.requireNonNull(approval, "approval");
    if (proposalModRevision <= 0) {
      throw new IllegalArgumentException("a stored proposal has a positive mod revision");
    }
  }
}
