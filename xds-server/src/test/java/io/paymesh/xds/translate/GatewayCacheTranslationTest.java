package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3.SimpleHttpCacheConfig;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Opt-in response caching at the gateway: the cache filter (disabled by default) only in the HCM
 * of a gateway whose versions cache, and a READ route per cached read, enabling it.
 */
class GatewayCacheTranslationTest {
  private final GroupTranslator translator = new GroupTranslator();

  private GroupResources translate(PolicySnapshot snapshot, String service) {
    return translator.translate(snapshot, ProxyGroup.sidecar(service)).orElseThrow();
  }

  private GroupResources edge(Gateway gateway) {
    return translate(GatewayFixtures.snapshotWith(GatewayFixtures.edge(), gateway,
        GatewayFixtures.edgeJwt(), GatewayFixtures.edgeLimits("x-merchant-id")), "edge");
  }

  private static List<HttpFilter> filters(GroupResources resources, int listener)
      throws Exception {
    return resources.listeners().get(listener).getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class).getHttpFiltersList();
  }

  private static List<Route> routes(GroupResources resources) {
    return resources.routes().get(0).getVirtualHosts(0).getRoutesList();
  }

  private static Route route(GroupResources resources, String name) {
    return routes(resources).stream().filter(r -> r.getName().equals(name)).findFirst()
        .orElseThrow();
  }

  private static final Metadata READ = Metadata.newBuilder()
      .putFilterMetadata("io.paymesh", Struct.newBuilder()
          .putFields("operation", Value.newBuilder().setStringValue("READ").build()).build())
      .build();

  @Test
  void hcm_listsTheCacheFilterDisabled_afterRateLimits_beforeTheRouter() throws Exception {
    HttpFilter cache = HttpFilter.newBuilder()
        .setName("envoy.filters.http.cache")
        .setTypedConfig(Any.pack(CacheConfig.newBuilder()
            .setTypedConfig(Any.pack(SimpleHttpCacheConfig.getDefaultInstance()))
            .addAllowedVaryHeaders(StringMatcher.newBuilder().setExact("accept-encoding"))
            .addAllowedVaryHeaders(StringMatcher.newBuilder().setExact("accept-language"))
            .build()))
        .setDisabled(true)
        .build();

    GroupResources edge = edge(GatewayFixtures.publicApiCaching());
    for (int listener = 0; listener < edge.listeners().size(); listener++) {
      List<HttpFilter> filters = filters(edge, listener);
      assertThat(filters).extracting(HttpFilter::getName).containsExactly(
          "envoy.filters.http.header_mutation", "envoy.filters.http.jwt_authn",
          "envoy.filters.http.rbac", "envoy.filters.http.local_ratelimit",
          "envoy.filters.http.cache", "envoy.filters.http.router");
      assertThat(filters.get(4)).isEqualTo(cache);
    }
  }

  @Test
  void cachedRead_isAReadRoute_beforeItsVersion_enablingTheCache_withoutCallerHeaders()
      throws Exception {
    GroupResources edge = edge(GatewayFixtures.publicApiCaching());
    Route v1 = route(edge, "payments/v1");
    Map<String, Any> perRoute = new TreeMap<>(v1.getTypedPerFilterConfigMap());
    perRoute.put("envoy.filters.http.cache", Any.pack(FilterConfig.newBuilder()
        .setConfig(Any.getDefaultInstance()).build()));
    Route expected = Route.newBuilder()
        .setName("payments/v1/cache/fx-rates")
        .setMatch(RouteMatch.newBuilder()
            .setPrefix("/v1/fx-rates/")
            .addHeaders(HeaderMatcher.newBuilder().setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setSafeRegex(
                    RegexMatcher.newBuilder().setRegex("^(GET|HEAD)$")))))
        .setStatPrefix("gateway.payments.v1.cache.fx-rates")
        .setMetadata(READ)
        .setRoute(RouteAction.newBuilder().setCluster("payments-v1")
            .setTimeout(Duration.newBuilder().setSeconds(5)))
        .addRequestHeadersToRemove("cookie")
        .addRequestHeadersToRemove("x-merchant-id")
        .addResponseHeadersToAdd(overwrite("deprecation", "@1780272000"))
        .addResponseHeadersToAdd(overwrite("sunset", "Wed, 30 Jun 2027 00:00:00 GMT"))
        .putAllTypedPerFilterConfig(perRoute)
        .build();

    assertThat(route(edge, "payments/v1/cache/fx-rates")).isEqualTo(expected);
    // The version keeps its own configs (authentication, limits) and never enables the cache.
    assertThat(v1.getTypedPerFilterConfigMap()).containsKeys(
        "envoy.filters.http.jwt_authn", "envoy.filters.http.local_ratelimit")
        .doesNotContainKey("envoy.filters.http.cache");
    assertThat(routes(edge)).extracting(Route::getName).containsExactly(
        "payments/v1/cache/fx-rates", "payments/v1", "payments/v2/cache/currencies",
        "payments/v2", "payments/v0");
  }

  @Test
  void cachedReadOfAHeaderVersion_matchesTheVersionHeaderToo_andGetOnly() {
    Route currencies = route(edge(GatewayFixtures.publicApiCaching()),
        "payments/v2/cache/currencies");
    assertThat(currencies.getMatch()).isEqualTo(RouteMatch.newBuilder()
        .setPath("/currencies")
        .addHeaders(HeaderMatcher.newBuilder().setName(":method")
            .setStringMatch(StringMatcher.newBuilder().setExact("GET")))
        .addHeaders(HeaderMatcher.newBuilder().setName("api-version")
            .setStringMatch(StringMatcher.newBuilder().setExact("v2")))
        .build());
    assertThat(currencies.getMetadata()).isEqualTo(READ);
    assertThat(currencies.getResponseHeadersToAddList()).isEmpty();
  }

  @Test
  void withoutCachedReads_noHcmGetsTheCacheFilter() throws Exception {
    GroupResources edge = edge(GatewayFixtures.publicApi());
    assertThat(filters(edge, 0)).extracting(HttpFilter::getName)
        .doesNotContain("envoy.filters.http.cache");
    assertThat(routes(edge)).allSatisfy(r ->
        assertThat(r.getTypedPerFilterConfigMap()).doesNotContainKey("envoy.filters.http.cache"));
    // Sidecars never cache, even in a mesh whose gateway does.
    PolicySnapshot caching = GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.publicApiCaching(), GatewayFixtures.edgeJwt());
    for (String service : List.of("checkout", "payments-v1", "payments-v2")) {
      assertThat(translate(caching, service).listeners().toString()).as(service)
          .doesNotContain("envoy.filters.http.cache");
    }
  }

  @Test
  void cachedReadsOfARetiredVersion_areNeverRouted() {
    Gateway retiredWithCache = GatewayFixtures.gateway("public-api",
        GatewayFixtures.withCache(GatewayFixtures.v0Retired(), GatewayFixtures.fxRates()));
    GroupResources edge = edge(retiredWithCache);
    assertThat(routes(edge)).extracting(Route::getName).containsExactly("payments/v0");
  }

  private static HeaderValueOption overwrite(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }
}
