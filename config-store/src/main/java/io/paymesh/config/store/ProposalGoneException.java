package io.paymesh.config.store;

/**
 * An approval found its proposal gone or replaced while committing: it was approved by someone
 * else, withdrawn, or it expired. Nothing was written.
 */
public final class ProposalGoneException extends Exception {
  private static final long serialVersionUID = 1L;

  public ProposalGoneException(String proposalKey) {
    super(proposalKey + " is no longer pending (approved, withdrawn or expired)", null, false,
        false);
  }
}
