package io.paymesh.config.idempotency;

import java.util.Objects;

/**
 * A write carried a claim whose key already has a record: another request with that key
 * committed first (possibly at the same moment, possibly on another replica). Nothing of this
 * write was applied; the record says what the first one did.
 */
public final class IdempotencyKeyUsedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient IdempotencyRecord record;

  public IdempotencyKeyUsedException(IdempotencyRecord record) {
    // An expected outcome, not a failure: no stack.
    super("idempotency key already used, at revision " + record.revision(), null, false, false);
    this.record = Objects.requireNonNull(record, "record");
  }

  public IdempotencyRecord record() {
    return record;
  }
}
