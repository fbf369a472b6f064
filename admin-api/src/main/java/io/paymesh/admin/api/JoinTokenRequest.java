package io.paymesh.admin.api;

/** The optional body of a join token request: {@code {"ttl": "15m"}} (default 15m, 1m to 24h). */
public record JoinTokenRequest(String ttl) {}
