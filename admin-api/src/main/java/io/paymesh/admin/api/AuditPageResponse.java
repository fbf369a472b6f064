package io.paymesh.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One page of the audit log, oldest first. {@code nextAfter} is the {@code after} parameter of
 * the next page; null when this page is the last.
 */
public record AuditPageResponse(List<Entry> entries, Long nextAfter) {

  public AuditPageResponse {
    entries = List.copyOf(entries);
  }

  /**
   * One write: who, when, why, what (before and after as canonical JSON documents, null when
   * absent) and the etcd revision it was committed at (the rollback target). A change that was
   * proposed and approved (four-eyes) names the proposer as {@code actor} with their
   * {@code reason}, and the approver as {@code approvedBy} with their {@code approvalReason}; both
   * are null for other changes.
   */
  public record Entry(long revision, String at, String actor, String reason, String kind,
      String name, String operation, ObjectNode before, ObjectNode after, String approvedBy,
      String approvalReason) {}
}
