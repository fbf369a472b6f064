package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.HedgePolicy;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import org.junit.jupiter.api.Test;

class NonIdempotentRetryGateTest {
  private final Gate gate = new Gate();

  @Test
  void sidecar_nonIdempotentRetryOnUnavailableWithoutIdempotencyKey_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "charge-card", r -> {
          r.getRouteBuilder().getRetryPolicyBuilder().clearRetriableRequestHeaders();
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route charge-card", "1",
        "NON_IDEMPOTENT_WRITE route retries on [unavailable] without requiring the"
            + " idempotency-key header"));
  }

  @Test
  void sidecar_nonIdempotentRouteInheritingAnUnsafeVirtualHostRetry_isReported() {
    GroupResources bad = GateFixtures.editVirtualHosts(GateFixtures.translate(SIDECAR),
        "outbound", v -> !v.getName().equals("payments") ? v : v.toBuilder()
            .setRetryPolicy(RetryPolicy.newBuilder().setRetryOn("reset")
                .setNumRetries(UInt32Value.of(1))
                .setPerTryTimeout(com.google.protobuf.Duration.newBuilder().setNanos(500_000_000)))
            .build());
    bad = GateFixtures.editRoute(bad, "outbound", "charge-card", r -> {
      r.getRouteBuilder().clearRetryPolicy();
      return r;
    });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route charge-card", "1",
        "NON_IDEMPOTENT_WRITE route retries on [reset] without requiring the"
            + " idempotency-key header"));
  }

  @Test
  void proxyless_anyRetryPolicyOnANonIdempotentRoute_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(PROXYLESS), "payments",
        "charge-card", r -> {
          r.getRouteBuilder().setRetryPolicy(
              RetryPolicy.newBuilder().setRetryOn("connect-failure")
                  .setNumRetries(UInt32Value.of(1)));
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/payments route charge-card", "1",
        "NON_IDEMPOTENT_WRITE route has a retry_policy, which proxyless clients cannot restrict"
            + " to requests with an idempotency-key header"));
  }

  @Test
  void hedgePolicy_isReportedOnAnyRoute() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "refund", r -> {
          r.getRouteBuilder().setHedgePolicy(HedgePolicy.newBuilder()
              .setInitialRequests(UInt32Value.of(2)));
          return r;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route refund", "1",
        "hedge_policy is set; payment requests are never hedged"));
  }

  @Test
  void routeWithoutOperationMetadata_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(PROXYLESS), "ledger",
        "default", r -> r.clearMetadata());

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/ledger route default", "1",
        "route has no io.paymesh operation metadata"));
  }
}
