package io.paymesh.admin.api;

/**
 * A Service's workload identity: its SPIFFE ID from the policy and, if it was revoked, when, by
 * whom and why (null otherwise).
 */
public record IdentityResponse(
    String service, String identity, Revocation revocation) {

  public record Revocation(String revokedAt, String by, String reason) {}
}
