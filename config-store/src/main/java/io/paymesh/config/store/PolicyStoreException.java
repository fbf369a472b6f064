package io.paymesh.config.store;

/**
 * etcd could not be reached or refused an operation, and nothing was changed: the caller may retry.
 * The subclass {@link CommitOutcomeUnknownException} is the exception: a write whose outcome is
 * not known.
 */
public class PolicyStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyStoreException(String message) {
    super(message);
  }

  public PolicyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
