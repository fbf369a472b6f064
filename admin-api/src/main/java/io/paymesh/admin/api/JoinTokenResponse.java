package io.paymesh.admin.api;

/**
 * A new join token: the only place the token text ever appears. Hand it to the workload's agent
 * (a file or an environment variable) and forget it; etcd keeps only its hash.
 */
public record JoinTokenResponse(String service, String token, String expiresAt, long revision) {}
