package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.OutlierDetection;
import java.util.Optional;

/** The circuitBreakers and outlierDetection objects shared by Service and PaymentProcessor. */
final class ResilienceMapper {
  static final String CIRCUIT_BREAKERS = "circuitBreakers";
  static final String OUTLIER_DETECTION = "outlierDetection";
  static final String FAILURE_PERCENTAGE = "failurePercentage";

  private ResilienceMapper() {}

  /** Null after reporting when present but malformed; empty when absent. */
  static Optional<CircuitBreakers> circuitBreakers(NodeReader spec) {
    NodeReader r = spec.object(CIRCUIT_BREAKERS, false);
    if (r == null) {
      return Optional.empty();
    }
    Integer maxConnections = r.integer("maxConnections");
    Integer maxPendingRequests = r.integer("maxPendingRequests");
    Integer maxRequests = r.integer("maxRequests");
    Integer maxRetries = r.integer("maxRetries");
    if (!r.finish()) {
      return Optional.empty();
    }
    return Optional.of(
        new CircuitBreakers(maxConnections, maxPendingRequests, maxRequests, maxRetries));
  }

  static Optional<OutlierDetection> outlierDetection(NodeReader spec) {
    NodeReader r = spec.object(OUTLIER_DETECTION, false);
    if (r == null) {
      return Optional.empty();
    }
    Integer consecutive5xx = r.integer("consecutive5xx");
    var interval = r.duration("interval");
    var baseEjectionTime = r.duration("baseEjectionTime");
    Integer maxEjectionPercent = r.integer("maxEjectionPercent");
    Optional<OutlierDetection.FailurePercentage> failurePercentage =
        failurePercentage(r.object(FAILURE_PERCENTAGE, false));
    if (!r.finish()) {
      return Optional.empty();
    }
    return Optional.of(new OutlierDetection(
        consecutive5xx, interval, baseEjectionTime, maxEjectionPercent, failurePercentage));
  }

  private static Optional<OutlierDetection.FailurePercentage> failurePercentage(NodeReader r) {
    if (r == null) {
      return Optional.empty();
    }
    Integer threshold = r.integer("threshold");
    Integer minimumHosts = r.integer("minimumHosts");
    Integer requestVolume = r.integer("requestVolume");
    if (!r.finish()) {
      return Optional.empty();
    }
    return Optional.of(
        new OutlierDetection.FailurePercentage(threshold, minimumHosts, requestVolume));
  }

  static void encode(
      ObjectNode spec, Optional<CircuitBreakers> circuitBreakers, Optional<OutlierDetection> outlier) {
    circuitBreakers.ifPresent(
        cb -> {
          ObjectNode n = spec.putObject(CIRCUIT_BREAKERS);
          n.put("maxConnections", cb.maxConnections());
          n.put("maxPendingRequests", cb.maxPendingRequests());
          n.put("maxRequests", cb.maxRequests());
          n.put("maxRetries", cb.maxRetries());
        });
    outlier.ifPresent(
        od -> {
          ObjectNode n = spec.putObject(OUTLIER_DETECTION);
          n.put("consecutive5xx", od.consecutive5xx());
          Trees.putDuration(n, "interval", od.interval());
          Trees.putDuration(n, "baseEjectionTime", od.baseEjectionTime());
          n.put("maxEjectionPercent", od.maxEjectionPercent());
          od.failurePercentage().ifPresent(fp -> n.putObject(FAILURE_PERCENTAGE)
              .put("threshold", fp.threshold())
              .put("minimumHosts", fp.minimumHosts())
              .put("requestVolume", fp.requestVolume()));
        });
  }
}
