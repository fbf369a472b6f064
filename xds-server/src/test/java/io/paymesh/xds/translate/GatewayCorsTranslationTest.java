package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** CORS per API version: the cors filter before authentication, a CorsPolicy per route. */
class GatewayCorsTranslationTest {
  private static final Gateway.Version CHECKOUT = new Gateway.Version(
      new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX), Gateway.Status.ACTIVE,
      Optional.of("payments-v2"), Optional.of(Duration.ofSeconds(3)), Optional.empty(),
      Optional.empty(), List.of(), List.of(),
      Optional.of(new Gateway.Cors(List.of("https://checkout.merchant.example"),
          List.of("GET", "POST"), List.of("authorization", "content-type"),
          Optional.of(Duration.ofMinutes(10)))));

  private final GroupTranslator translator = new GroupTranslator();

  private GroupResources edge(Gateway.Version... versions) {
    return translator.translate(GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.gateway("public-api", versions), GatewayFixtures.edgeJwt()),
        ProxyGroup.sidecar("edge")).orElseThrow();
  }

  private static List<HttpFilter> filters(GroupResources resources) throws Exception {
    return resources.listeners().get(0).getFilterChains(0).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class).getHttpFiltersList();
  }

  @Test
  void corsFilter_comesFirst_soPreflightsAreAnsweredWithoutAToken() throws Exception {
    List<HttpFilter> filters = filters(edge(GatewayFixtures.v1Deprecated(), CHECKOUT));
    assertThat(filters).extracting(HttpFilter::getName).containsExactly(
        "envoy.filters.http.cors", "envoy.filters.http.header_mutation",
        "envoy.filters.http.jwt_authn", "envoy.filters.http.rbac", "envoy.filters.http.router");
    assertThat(filters.get(0).getTypedConfig().unpack(Cors.class))
        .isEqualTo(Cors.getDefaultInstance());
  }

  @Test
  void versionWithCors_getsItsExactOrigins_noCredentials_andNoForwardedPreflights()
      throws Exception {
    Route route = edge(GatewayFixtures.v1Deprecated(), CHECKOUT).routes().get(0)
        .getVirtualHosts(0).getRoutes(1);
    CorsPolicy expected = CorsPolicy.newBuilder()
        .addAllowOriginStringMatch(StringMatcher.newBuilder()
            .setExact("https://checkout.merchant.example"))
        .setAllowMethods("GET,POST")
        .setAllowHeaders("authorization,content-type")
        .setMaxAge("600")
        .setAllowCredentials(BoolValue.of(false))
        .setForwardNotMatchingPreflights(BoolValue.of(false))
        .build();

    assertThat(route.getName()).isEqualTo("payments/v2");
    assertThat(route.getTypedPerFilterConfigOrThrow("envoy.filters.http.cors")
        .unpack(CorsPolicy.class)).isEqualTo(expected);
  }

  @Test
  void withoutCorsAnywhere_thereIsNoCorsFilter() throws Exception {
    assertThat(filters(edge(GatewayFixtures.v1Deprecated()))).extracting(HttpFilter::getName)
        .doesNotContain("envoy.filters.http.cors");
  }
}
