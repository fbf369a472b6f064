package io.paymesh.config.model;

/** Envoy circuit-breaker thresholds (default priority), each must be positive. */
public record CircuitBreakers(
    int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {}
