package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import org.junit.jupiter.api.Test;

class FaultDrillGateTest {
  private static final PolicySnapshot DRILLS = PolicyFixtures.drillSnapshot();
  private static final HTTPFault ABORT_ALL =
      HTTPFault.newBuilder()
          .setAbort(
              FaultAbort.newBuilder()
                  .setGrpcStatus(14)
                  .setPercentage(FractionalPercent.newBuilder().setNumerator(100)))
          .build();

  private final Gate gate = new Gate();

  private GateResult check(ProxyGroup group, GroupResources resources) {
    return gate.check(DRILLS, group, resources);
  }

  @Test
  void translatedDrills_passTheGate_forEveryClientFamily() {
    for (ProxyGroup group : ProxyGroup.everyFamily("checkout")) {
      assertThat(check(group, GateFixtures.translate(DRILLS, group)).violations())
          .as(group.toString()).isEmpty();
    }
  }

  @Test
  void hcmFaultFilterThatInjects_isReported() {
    GroupResources bad = GateFixtures.editHcm(GateFixtures.translate(DRILLS, SIDECAR), "outbound",
        hcm -> hcm.setHttpFilters(0, HttpFilter.newBuilder()
            .setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(ABORT_ALL))));

    assertThat(check(SIDECAR, bad).violations()).containsExactly(new GateViolation(
        "Listener/outbound", "drills",
        "HttpConnectionManager filter 'envoy.filters.http.fault' injects faults into every"
            + " request; a drill's fault belongs on a route that requires the x-paymesh-drill"
            + " header"));
  }

  @Test
  void drillRouteWithoutAnExactDrillHeader_isReported() {
    GroupResources withoutHeader = GateFixtures.editRoute(GateFixtures.translate(DRILLS, PROXYLESS),
        "payments", "default/drill", r -> {
          r.getMatchBuilder().clearHeaders();
          return r;
        });
    GroupResources anyValue = GateFixtures.editRoute(GateFixtures.translate(DRILLS, PROXYLESS),
        "payments", "default/drill", r -> {
          r.getMatchBuilder().setHeaders(0, HeaderMatcher.newBuilder()
              .setName("x-paymesh-drill").setPresentMatch(true));
          return r;
        });
    GroupResources inverted = GateFixtures.editRoute(GateFixtures.translate(DRILLS, PROXYLESS),
        "payments", "default/drill", r -> {
          r.getMatchBuilder().getHeadersBuilder(0).setInvertMatch(true);
          return r;
        });
    GateViolation expected = new GateViolation("RouteConfiguration/payments route default/drill",
        "drills", "route injects faults but its match does not require an exact x-paymesh-drill"
            + " value, so requests outside a drill could get them");

    for (GroupResources bad : new GroupResources[] {withoutHeader, anyValue, inverted}) {
      assertThat(check(PROXYLESS, bad).violations()).containsExactly(expected);
    }
  }

  @Test
  void drillFaultWithoutMaxActiveFaults_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(DRILLS, SIDECAR),
        "outbound", "default/drill", r -> r.putTypedPerFilterConfig("envoy.filters.http.fault",
            Any.pack(ABORT_ALL)));

    assertThat(check(SIDECAR, bad).violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route default/drill", "drills",
        "route injects faults without max_active_faults"));
  }

  @Test
  void faultOnAVirtualHostOrAPlainRoute_isReported() {
    GroupResources onVhost = GateFixtures.editVirtualHosts(GateFixtures.translate(DRILLS, SIDECAR),
        "outbound", v -> !v.getName().equals("payments") ? v : v.toBuilder()
            .putTypedPerFilterConfig("envoy.filters.http.fault", Any.pack(ABORT_ALL)).build());
    GroupResources onRefund = GateFixtures.editRoute(GateFixtures.translate(DRILLS, SIDECAR),
        "outbound", "refund", r -> r.putTypedPerFilterConfig("fault", Any.pack(
            ABORT_ALL.toBuilder().setMaxActiveFaults(com.google.protobuf.UInt32Value.of(1))
                .build())));

    assertThat(check(SIDECAR, onVhost).violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound", "drills",
        "fault in virtual host 'payments' typed_per_filter_config reaches every route of it"));
    assertThat(check(SIDECAR, onRefund).violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route refund", "drills",
        "route injects faults but its match does not require an exact x-paymesh-drill value,"
            + " so requests outside a drill could get them"));
  }
}
