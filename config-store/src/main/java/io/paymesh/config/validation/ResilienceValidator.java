package io.paymesh.config.validation;

import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.OutlierDetection;
import java.util.Optional;

/** Circuit breakers and outlier detection, shared by Services and PaymentProcessors. */
final class ResilienceValidator {
  private static final int MAX_PERCENT = 100;
  private static final int MAX_FAILURE_THRESHOLD = 99;
  private static final int MIN_FAILURE_HOSTS = 2;

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
    if (od.failurePercentage() != null) {
      od.failurePercentage().ifPresent(fp -> failurePercentage(c.at("failurePercentage"), fp));
    }
  }

  /**
   * The threshold stays below 100: Envoy ejects at or above it, gRPC clients only above it, so at
   * 100 the same policy would eject in one and never in the other. Ejecting the only host with
   * traffic would help nobody, hence at least 2 hosts.
   */
  private static void failurePercentage(
      ErrorCollector c, OutlierDetection.FailurePercentage fp) {
    Checks.between(c.at("threshold"), fp.threshold(), 1, MAX_FAILURE_THRESHOLD);
    if (fp.minimumHosts() < MIN_FAILURE_HOSTS) {
      c.add("minimumHosts", "must be >= " + MIN_FAILURE_HOSTS);
    }
    if (fp.requestVolume() < 1) {
      c.add("requestVolume", Messages.AT_LEAST_ONE);
    }
  }
}
