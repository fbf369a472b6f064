package io.paymesh.config.validation;

import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.OutlierDetection;
import java.util.Optional;

/** Circuit breakers and outlier detection, shared by Services and PaymentProcessors. */
final class ResilienceValidator {
  private static final int MAX_PERCENT = 100;

  private ResilienceValidator() {}

  static void validate(
      ErrorCollector c,
      Optional<CircuitBreakers> circuitBreakers,
      Optional<OutlierDetection> outlierDetection) {
    if (circuitBreakers != null) {
      circuitBreakers.ifPresent(cb -> circuitBreakers(c.at("circuitBreakers"), cb));
    }
    if (outlierDetection != null) {
      outlierDetection.ifPresent(od -> outlierDetection(c.at("outlierDetection"), od));
    }
  }

  private static void circuitBreakers(ErrorCollector c, CircuitBreakers cb) {
    Checks.positive(c.at("maxConnections"), cb.maxConnections());
    Checks.positive(c.at("maxPendingRequests"), cb.maxPendingRequests());
    Checks.positive(c.at("maxRequests"), cb.maxRequests());
    Checks.positive(c.at("maxRetries"), cb.maxRetries());
  }

  private static void outlierDetection(ErrorCollector c, OutlierDetection od) {
    if (od.consecutive5xx() < 1) {
      c.add("consecutive5xx", Messages.AT_LEAST_ONE);
    }
    Checks.positive(c.at("interval"), od.interval());
    Checks.positive(c.at("baseEjectionTime"), od.baseEjectionTime());
    Checks.between(c.at("maxEjectionPercent"), od.maxEjectionPercent(), 1, MAX_PERCENT);
  }
}
