package io.paymesh.config.store;

/**
 * A write transaction was sent to etcd but no answer came back (timeout, connection lost, etcd
 * stopping): etcd may or may not have applied it. Unlike its parent, which means nothing was
 * changed, this one must not be read as "retry later": a blind retry may apply the change twice.
 * A retry under the same idempotency key (see {@link io.paymesh.config.idempotency}) cannot.
 */
public final class CommitOutcomeUnknownException extends PolicyStoreException {
  private static final long serialVersionUID = 1L;

  public CommitOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
