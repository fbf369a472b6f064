package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.PathConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.core.v3.WatchedDirectory;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Envoy proxies of a Service named by a Gateway get: the expected protos, field by field. */
class GatewayTranslationTest {
  private static final ConfigSource ADS = ConfigSource.newBuilder()
      .setAds(AggregatedConfigSource.getDefaultInstance())
      .setResourceApiVersion(ApiVersion.V3)
      .build();

  private final GroupTranslator translator = new GroupTranslator();

  private GroupResources edge() {
    return translator.translate(GatewayFixtures.snapshot(), ProxyGroup.sidecar("edge"))
        .orElseThrow();
  }

  @Test
  void gatewayService_getsOneHttpsListenerPerGatewayListener_andNoSidecarListener() {
    assertThat(edge().listeners()).extracting(Listener::getName)
        .containsExactly("gateway|https", "gateway|https-alt");
  }

  @Test
  void gatewayListener_isHttpsFromTheOperatorsCertificateFile_withRbacBeforeTheRouter() {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .setTlsParams(TlsParameters.newBuilder()
                .setTlsMinimumProtocolVersion(TlsParameters.TlsProtocol.TLSv1_2))
            .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder()
                .setName("gateway-certificate")
                .setSdsConfig(ConfigSource.newBuilder()
                    .setPathConfigSource(PathConfigSource.newBuilder()
                        .setPath("/etc/paymesh/gateway/sds/certificate.yaml")
                        .setWatchedDirectory(
                            WatchedDirectory.newBuilder().setPath("/etc/paymesh/gateway")))
                    .setResourceApiVersion(ApiVersion.V3)))
            .addAlpnProtocols("h2")
            .addAlpnProtocols("http/1.1"))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.newBuilder()
        .setStatPrefix("gateway_https")
        .addAccessLog(ExpectedAccessLog.of("gateway|https"))
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setUseRemoteAddress(BoolValue.of(true))
        .setNormalizePath(BoolValue.of(true))
        .setMergeSlashes(true)
        .setCommonHttpProtocolOptions(HttpProtocolOptions.newBuilder()
            .setHeadersWithUnderscoresAction(
                HttpProtocolOptions.HeadersWithUnderscoresAction.REJECT_REQUEST))
        .setRds(Rds.newBuilder().setRouteConfigName("gateway|public-api").setConfigSource(ADS))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName("envoy.filters.http.rbac")
            .setTypedConfig(Any.pack(RBAC.newBuilder()
                .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
                    .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW))
                .build())))
        .addHttpFilters(HttpFilter.newBuilder()
            .setName("envoy.filters.http.router")
            .setTypedConfig(Any.pack(Router.getDefaultInstance())))
        .build();
    Listener expected = Listener.newBuilder()
        .setName("gateway|https")
        .setAddress(Address.newBuilder().setSocketAddress(
            SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(8443)))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName("tls")
            .setTransportSocket(TransportSocket.newBuilder()
                .setName("envoy.transport_sockets.tls")
                .setTypedConfig(Any.pack(tls)))
            .addFilters(Filter.newBuilder()
                .setName("envoy.filters.network.http_connection_manager")
                .setTypedConfig(Any.pack(hcm))))
        .build();

    assertThat(edge().listeners().get(0)).isEqualTo(expected);
  }

  @Test
  void gatewayRoutes_areOneRoutePerVersion_deprecatedWithHeaders_retiredWith410() {
    Metadata anyOperation = Metadata.newBuilder()
        .putFilterMetadata("io.paymesh", Struct.newBuilder()
            .putFields("operation", Value.newBuilder().setStringValue("NON_IDEMPOTENT_WRITE").build())
            .build())
        .build();
    Route v1 = Route.newBuilder()
        .setName("payments/v1")
        .setMatch(RouteMatch.newBuilder().setPrefix("/v1/"))
        .setStatPrefix("gateway.payments.v1")
        .setMetadata(anyOperation)
        .setRoute(RouteAction.newBuilder()
            .setCluster("payments-v1")
            .setTimeout(Duration.newBuilder().setSeconds(5)))
        .addResponseHeadersToAdd(overwrite("deprecation", "@1780272000"))
        .addResponseHeadersToAdd(overwrite("sunset", "Wed, 30 Jun 2027 00:00:00 GMT"))
        .build();
    Route v2 = Route.newBuilder()
        .setName("payments/v2")
        .setMatch(RouteMatch.newBuilder()
            .setPrefix("/")
            .addHeaders(HeaderMatcher.newBuilder()
                .setName("api-version")
                .setStringMatch(StringMatcher.newBuilder().setExact("v2"))))
        .setStatPrefix("gateway.payments.v2")
        .setMetadata(anyOperation)
        .setRoute(RouteAction.newBuilder()
            .setCluster("payments-v2")
            .setTimeout(Duration.newBuilder().setSeconds(3)))
        .build();
    Route v0 = Route.newBuilder()
        .setName("payments/v0")
        .setMatch(RouteMatch.newBuilder().setPrefix("/v0/"))
        .setStatPrefix("gateway.payments.v0")
        .setMetadata(anyOperation)
        .setDirectResponse(DirectResponseAction.newBuilder()
            .setStatus(410)
            .setBody(DataSource.newBuilder().setInlineString(
                "{\"error\":\"api_version_retired\",\"api\":\"payments\",\"version\":\"v0\","
                    + "\"retiredOn\":\"2025-01-31\",\"message\":\"version v0 of the payments API"
                    + " was retired on 2025-01-31; use a current version\"}")))
        .addResponseHeadersToAdd(overwrite("content-type", "application/json"))
        .build();
    RouteConfiguration expected = RouteConfiguration.newBuilder()
        .setName("gateway|public-api")
        .addRequestHeadersToRemove("x-paymesh-drill")
        .addVirtualHosts(VirtualHost.newBuilder()
            .setName("payments")
            .addDomains("api.paymesh.example")
            .addDomains("api.paymesh.example:*")
            .addRoutes(v1)
            .addRoutes(v2)
            .addRoutes(v0))
        .build();

    assertThat(edge().routes()).containsExactly(expected);
  }

  @Test
  void gatewayService_callsItsBackendsAsAMeshClient_likeASidecar_withoutALocalAppCluster() {
    GroupResources edge = edge();
    assertThat(edge.clusters()).extracting(c -> c.getName())
        .containsExactly("payments-v1", "payments-v2");
    GroupResources sidecarOfSameDependencies = translator.translate(
        GatewayFixtures.snapshotWith(GatewayFixtures.edge()), ProxyGroup.sidecar("edge"))
        .orElseThrow();
    assertThat(edge.clusters()).isEqualTo(sidecarOfSameDependencies.clusters().stream()
        .filter(c -> !c.getName().startsWith("inbound|")).toList());
    assertThat(edge.endpoints()).isEqualTo(sidecarOfSameDependencies.endpoints());
  }

  @Test
  void withoutGateway_theSameServiceIsAnOrdinarySidecar() {
    GroupResources sidecar = translator.translate(
        GatewayFixtures.snapshotWith(GatewayFixtures.edge()), ProxyGroup.sidecar("edge"))
        .orElseThrow();
    assertThat(sidecar.listeners()).extracting(Listener::getName)
        .containsExactly("inbound|https", "outbound");
  }

  @Test
  void proxylessFamilies_ofTheGatewayService_neverGetTheGateway() {
    for (ProxyGroup group : ProxyGroup.everyFamily("edge")) {
      if (group.form() == ProxyForm.SIDECAR) {
        continue;
      }
      GroupResources resources = translator.translate(GatewayFixtures.snapshot(), group)
          .orElseThrow();
      assertThat(resources.listeners()).as("%s", group)
          .noneMatch(l -> l.getName().startsWith("gateway|"));
      assertThat(resources.routes()).as("%s", group)
          .noneMatch(r -> r.getName().startsWith("gateway|"));
    }
  }

  @Test
  void deprecationAndSunsetValues_followRfc9745AndTheHttpDateFormat() {
    assertThat(GatewayRouteTranslator.deprecationValue(java.time.LocalDate.of(1970, 1, 2)))
        .isEqualTo("@86400");
    assertThat(GatewayRouteTranslator.sunsetValue(java.time.LocalDate.of(2027, 3, 5)))
        .isEqualTo("Fri, 05 Mar 2027 00:00:00 GMT");
  }

  private static HeaderValueOption overwrite(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }
}
