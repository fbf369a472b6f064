package io.paymesh.config.store;

/** etcd could not be reached or refused an operation; the caller may retry. */
public final class PolicyStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PolicyStoreException(String message) {
    super(message);
  }

  public PolicyStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
