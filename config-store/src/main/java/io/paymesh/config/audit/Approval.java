package io.paymesh.config.audit;

import java.util.Objects;

/**
 * The second pair of eyes on a change: who approved a proposed change and why. Recorded in the
 * audit entry next to the proposer (the entry's actor) and the proposer's reason.
 *
 * @param approver the authenticated principal that approved, never the proposer
 * @param reason the approver's explanation, required
 */
public record Approval(String approver, String reason) {
  public Approval {
    Objects.requireNonNull(approver, "approver");
    Objects.requireNonNull(reason, "reason");
    if (approver.isBlank() || reason.isBlank()) {
      throw new IllegalArgumentException("an approval needs an approver and a reason");
    }
  }
}
