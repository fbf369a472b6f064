/**
 * Workload identity state in etcd under {@code <prefix>identity/}: one-time join tokens (stored as
 * SHA-256 hashes on a lease of their TTL, consumed in one transaction) and revocations of a
 * Service's identity. Issuing a token and revoking are audited in the same transaction as the
 * write ({@code ISSUE_JOIN_TOKEN}, {@code REVOKE_IDENTITY} on {@code Service/<name>}). The
 * certificate authority that uses them lives in the xds-server.
 */
package io.paymesh.config.identity;
