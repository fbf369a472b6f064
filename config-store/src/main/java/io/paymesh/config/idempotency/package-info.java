/**
 * Idempotency records: a write made under a client's Idempotency-Key records the key, a
 * fingerprint of the request and its outcome in the same etcd transaction as the change, on
 * condition that the key is unused. So a key commits at most one write, on any replica, and a
 * retry finds what the first attempt did, even when that attempt's answer was lost. Records live
 * on a lease of {@link io.paymesh.config.idempotency.IdempotencyRecords#RETENTION}.
 */
package io.paymesh.config.idempotency;
