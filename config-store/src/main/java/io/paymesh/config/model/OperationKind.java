package io.paymesh.config.model;

/**
 * What a route does to money. A NON_IDEMPOTENT_WRITE (a charge, a payout) must never be sent twice
 * unless the caller made it idempotent with an {@code Idempotency-Key} header.
 */
public enum OperationKind {
  READ,
  IDEMPOTENT_WRITE,
  NON_IDEMPOTENT_WRITE
}
