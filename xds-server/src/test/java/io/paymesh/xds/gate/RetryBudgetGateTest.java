package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import org.junit.jupiter.api.Test;

class RetryBudgetGateTest {
  private final Gate gate = new Gate();

  @Test
  void retriesThatDoNotFitTheRouteTimeout_areReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "refund", r -> {
          r.getRouteBuilder().getRetryPolicyBuilder().setNumRetries(UInt32Value.of(2));
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route refund", "2",
        "(num_retries 2 + 1) x per_try_timeout 1s = 3s exceeds the route timeout 2s"));
  }

  @Test
  void budgetUsesEnvoysDefaultTimeoutWhenUnset_andMillisecondPrecision() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "refund", r -> {
          r.getRouteBuilder().clearTimeout().getRetryPolicyBuilder()
              .setPerTryTimeout(Duration.newBuilder().setSeconds(7).setNanos(750_000_000));
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route refund", "2",
        "(num_retries 1 + 1) x per_try_timeout 7750ms = 15500ms exceeds the route timeout 15s"));
  }

  @Test
  void proxyless_budgetIsCheckedAgainstMaxStreamDuration_theDeadlineGrpcJavaHonours() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(PROXYLESS), "payments",
        "refund", r -> {
          r.getRouteBuilder().getMaxStreamDurationBuilder()
              .setMaxStreamDuration(Duration.newBuilder().setNanos(900_000_000));
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/payments route refund", "2",
        "(num_retries 1 + 1) x per_try_timeout 1s = 2s exceeds the route timeout 900ms"));
  }

  @Test
  void retryOn5xxWithoutPerTryTimeout_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "refund", r -> {
          r.getRouteBuilder().getRetryPolicyBuilder().clearPerTryTimeout();
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route refund", "2",
        "per_try_timeout is required when retrying on [5xx, reset]"));
  }
}
