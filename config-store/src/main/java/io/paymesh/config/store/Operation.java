package io.paymesh.config.store;

/**
 * What an audited operation did, as recorded in the audit log: a change of a policy document, or
 * an identity operation on a Service (its audit key names the Service; it changes no document).
 */
public enum Operation {
  CREATE,
  UPDATE,
  DELETE,
  /** Restored an earlier version (or absence) on an operator's request. */
  ROLLBACK,
  /** A one-time join token was issued for the Service's workloads; the token is not recorded. */
  ISSUE_JOIN_TOKEN,
  /** The Service's workload identity was revoked: certificates issued before cannot be renewed. */
  REVOKE_IDENTITY;

  /**
   * True if the entry records a version of its document (what a rollback can restore); false for
   * identity operations, which leave the document as it was.
   */
  public boolean changesDocument() {
    return switch (this) {
      case CREATE, UPDATE, DELETE, ROLLBACK -> true;
      case ISSUE_JOIN_TOKEN, REVOKE_IDENTITY -> false;
    };
  }
}
