package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Payment invariant 2: retries fit in the route's deadline, (num_retries + 1) x per_try_timeout
 * <= timeout, and a retry of anything that may have reached the app has a per-try timeout (else
 * one slow attempt eats the whole budget and the retry never happens, or happens too late).
 */
final class RetryBudgetCheck implements GateCheck {
  static final String INVARIANT = "2";
  /** Envoy's defaults when the fields are unset. */
  private static final Duration ENVOY_DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(15);
  private static final int ENVOY_DEFAULT_NUM_RETRIES = 1;

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      Optional<RetryPolicy> retry = ref.effectiveRetryPolicy();
      if (retry.isEmpty()) {
        continue;
      }
      RetryPolicy policy = retry.get();
      List<String> unsafe = XdsWalk.unsafeRetryOn(policy);
      if (!policy.hasPerTryTimeout()) {
        if (!unsafe.isEmpty()) {
          out.add(new GateViolation(ref.resource(), INVARIANT,
              "per_try_timeout is required when retrying on " + unsafe));
        }
        continue;
      }
      int retries = policy.hasNumRetries()
          ? policy.getNumRetries().getValue()
          : ENVOY_DEFAULT_NUM_RETRIES;
      Duration perTry = toJava(policy.getPerTryTimeout());
      Duration timeout = deadline(ref.route().getRoute());
      if (timeout.isZero()) {
        continue; // 0 disables the route timeout: nothing to exceed.
      }
      Duration total = perTry.multipliedBy(retries + 1L);
      if (total.compareTo(timeout) > 0) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "(num_retries " + retries + " + 1) x per_try_timeout " + format(perTry) + " = "
                + format(total) + " exceeds the route timeout " + format(timeout)));
      }
    }
    return out;
  }

  /**
   * The deadline a client enforces: Envoy's {@code timeout} (15s when unset), capped by
   * {@code max_stream_duration}, which is the one grpc-java honours.
   */
  private static Duration deadline(RouteAction action) {
    Duration timeout =
        action.hasTimeout() ? toJava(action.getTimeout()) : ENVOY_DEFAULT_ROUTE_TIMEOUT;
    if (action.getMaxStreamDuration().hasMaxStreamDuration()) {
      Duration max = toJava(action.getMaxStreamDuration().getMaxStreamDuration());
      if (!max.isZero() && (timeout.isZero() || max.compareTo(timeout) < 0)) {
        return max;
      }
    }
    return timeout;
  }

  private static Duration toJava(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /** Durations as operators write them: {@code 3s}, {@code 250ms}. */
  static String format(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
  }
}
