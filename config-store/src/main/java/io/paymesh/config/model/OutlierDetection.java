package io.paymesh.config.model;

import java.time.Duration;
import java.util.Optional;

/**
 * Passive health checking: eject a host after {@code consecutive5xx} errors in a row (Envoy), or,
 * with {@code failurePercentage}, a host whose share of failed requests in an interval is too high
 * (Envoy and gRPC clients; gRPC clients have no consecutive-errors ejection, gRFC A50).
 */
public record OutlierDetection(
    int consecutive5xx,
    Duration interval,
    Duration baseEjectionTime,
    int maxEjectionPercent,
    Optional<FailurePercentage> failurePercentage) {

  /** Without failure percentage ejection. */
  public OutlierDetection(
      int consecutive5xx, Duration interval, Duration baseEjectionTime, int maxEjectionPercent) {
    this(consecutive5xx, interval, baseEjectionTime, maxEjectionPercent, Optional.empty());
  }

  /**
   * Eject a host whose failed requests exceed {@code threshold}% of its requests in one interval,
   * judged only for hosts with at least {@code requestVolume} requests in it, and only while at
   * least {@code minimumHosts} hosts have that many.
   */
  public record FailurePercentage(int threshold, int minimumHosts, int requestVolume) {}
}
