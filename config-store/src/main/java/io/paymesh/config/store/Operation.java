package io.paymesh.config.store;

/** What a committed change did to its document, as recorded in the audit log. */
public enum Operation {
  CREATE,
  UPDATE,
  DELETE,
  /** Restored an earlier version (or absence) on an operator's request. */
  ROLLBACK
}
