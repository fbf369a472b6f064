package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GatewayFixtures;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Response caching: READ routes only, never a response a caller could shape, Envoy's rules. */
class ResponseCacheGateTest {
  private static final ProxyGroup EDGE = ProxyGroup.sidecar("edge");
  private static final String CONFIG = "gateway|public-api";
  private static final Any ENABLE = Any.pack(FilterConfig.newBuilder()
      .setConfig(Any.getDefaultInstance()).build());
  private final Gate gate = new Gate();

  private static PolicySnapshot caching() {
    return GatewayFixtures.snapshotWith(GatewayFixtures.edge(), GatewayFixtures.publicApiCaching(),
        GatewayFixtures.edgeJwt(), GatewayFixtures.edgeLimits("x-merchant-id"));
  }

  private List<GateViolation> check(GroupResources resources) {
    return gate.check(caching(), EDGE, resources).violations();
  }

  @Test
  void translatorOutput_passesEveryCheck_fieldRulesIncluded_inEveryFamily() {
    PolicySnapshot snapshot = caching();
    for (ProxyGroup group : ProxyGroup.everyFamily("edge")) {
      assertThat(gate.check(snapshot, group, GateFixtures.translate(snapshot, group))
          .violations()).as("%s", group).isEmpty();
    }
  }

  @Test
  void cacheOnAVersionRoute_isRefused_forItIsNotARead() {
    GroupResources tampered = GateFixtures.editRoute(GateFixtures.translate(caching(), EDGE),
        CONFIG, "payments/v1", r -> r.putTypedPerFilterConfig("envoy.filters.http.cache", ENABLE)
            .addRequestHeadersToRemove("cookie").addRequestHeadersToRemove("x-merchant-id"));

    assertThat(check(tampered)).containsExactly(new GateViolation(
        "RouteConfiguration/gateway|public-api route payments/v1", "cache",
        "caches the responses of a NON_IDEMPOTENT_WRITE route; only READ routes may be cached"));
  }

  @Test
  void cacheFilterEnabledInTheHcm_isRefused() {
    GroupResources tampered = GateFixtures.editHcm(GateFixtures.translate(caching(), EDGE),
        "gateway|https", hcm -> {
          for (int i = 0; i < hcm.getHttpFiltersCount(); i++) {
            if (hcm.getHttpFilters(i).getName().equals("envoy.filters.http.cache")) {
              hcm.setHttpFilters(i, hcm.getHttpFilters(i).toBuilder().setDisabled(false));
            }
          }
          return hcm;
        });

    assertThat(check(tampered)).containsExactly(new GateViolation("Listener/gateway|https",
        "cache", "HttpConnectionManager 'gateway_https' runs the cache filter on every route; it"
            + " must be disabled there and enabled per READ route"));
  }

  @Test
  void virtualHostEnablingTheCache_isRefused() {
    GroupResources tampered = GateFixtures.editVirtualHosts(
        GateFixtures.translate(caching(), EDGE), CONFIG,
        v -> v.toBuilder().putTypedPerFilterConfig("envoy.filters.http.cache", ENABLE).build());

    assertThat(check(tampered)).containsExactly(new GateViolation(
        "RouteConfiguration/gateway|public-api", "cache", "virtual host 'payments' enables the"
            + " cache filter for every route; enable it per READ route"));
  }

  @Test
  void cachedRouteKeepingACallerHeader_isRefused() {
    GroupResources tampered = GateFixtures.editRoute(GateFixtures.translate(caching(), EDGE),
        CONFIG, "payments/v1/cache/fx-rates",
        r -> r.clearRequestHeadersToRemove().addRequestHeadersToRemove("cookie"));

    assertThat(check(tampered)).containsExactly(new GateViolation(
        "RouteConfiguration/gateway|public-api route payments/v1/cache/fx-rates", "cache",
        "caches responses without removing x-merchant-id from requests: the backend could"
            + " shape a response every caller is then served"));
  }

  @Test
  void disablingTheCacheOnARoute_isNoCache_andPasses() {
    GroupResources disabled = GateFixtures.editRoute(GateFixtures.translate(caching(), EDGE),
        CONFIG, "payments/v1", r -> r.putTypedPerFilterConfig("envoy.filters.http.cache",
            Any.pack(FilterConfig.newBuilder().setDisabled(true).build())));

    assertThat(check(disabled)).isEmpty();
  }
}
