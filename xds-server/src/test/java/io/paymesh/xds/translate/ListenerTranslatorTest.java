package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ListenerTranslatorTest {
  private static final ConfigSource ADS =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();
  private static final HttpFilter ROUTER =
      HttpFilter.newBuilder()
          .setName("envoy.filters.http.router")
          .setTypedConfig(Any.pack(Router.getDefaultInstance()))
          .build();

  private final ListenerTranslator translator = new ListenerTranslator();

  @Test
  void strictInboundListener_isOneMtlsChain_runningRbacFromThePoliciesBeforeTheRouter() {
    PolicySnapshot snapshot = PolicyFixtures.snapshot();
    RBAC rbac = new RbacFilterTranslator().rbacFilter(snapshot, "payments-v1", ClientFamily.ENVOY);
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("inbound_grpc")
            .addAccessLog(ExpectedAccessLog.of("inbound|grpc"))
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(Rds.newBuilder().setRouteConfigName("inbound|grpc").setConfigSource(ADS))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.rbac")
                    .setTypedConfig(Any.pack(rbac)))
            .addHttpFilters(ROUTER)
            .build();
    Listener expected =
        Listener.newBuilder()
            .setName("inbound|grpc")
            .setAddress(address("0.0.0.0", 8443))
            .setTrafficDirection(TrafficDirection.INBOUND)
            .addFilterChains(
                FilterChain.newBuilder()
                    .setName("mtls")
                    .addFilters(
                        Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm)))
                    .setTransportSocket(TlsFixtures.tls(TlsFixtures.sidecarDownstream())))
            .build();

    List<Listener> listeners = translator.listeners(
        PolicyFixtures.paymentsV1(), ProxyForm.SIDECAR, rbac, MtlsMode.STRICT, Set.of());

    assertThat(listeners).extracting(Listener::getName)
        .containsExactly("inbound|grpc", "inbound|admin", "outbound");
    assertThat(listeners.get(0)).isEqualTo(expected);
    // The RBAC inside is the ENFORCE + SHADOW translation of the fixture policies.
    assertThat(rbac.getRules().getPoliciesMap()).containsOnlyKeys("payments-callers/checkout-charges");
    assertThat(rbac.getShadowRules().getPoliciesMap()).containsOnlyKeys("ledger-audit/ledger-reads");
  }

  @Test
  void inboundListener_withEmptyAllowList_carriesDenyAllRbac() throws Exception {
    RBAC denyAll = new RbacFilterTranslator()
        .rbacFilter(PolicyFixtures.snapshot(), "checkout", ClientFamily.ENVOY);

    Listener inbound = translator.listeners(
        PolicyFixtures.checkout(), ProxyForm.SIDECAR, denyAll, MtlsMode.STRICT, Set.of()).get(0);

    HttpConnectionManager hcm =
        inbound.getFilterChains(0).getFilters(0).getTypedConfig()
            .unpack(HttpConnectionManager.class);
    RBAC rbac = hcm.getHttpFilters(0).getTypedConfig().unpack(RBAC.class);
    assertThat(rbac)
        .isEqualTo(
            RBAC.newBuilder()
                .setRules(
                    io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
                        .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW))
                .build());
  }

  @Test
  void permissiveInboundListener_inspectsTls_mtlsChainForTls_plaintextChainOtherwise_bothWithRbac() {
    RBAC rbac = new RbacFilterTranslator()
        .rbacFilter(PolicyFixtures.snapshot(), "ledger", ClientFamily.ENVOY);
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("inbound_http")
            .addAccessLog(ExpectedAccessLog.of("inbound|http"))
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(Rds.newBuilder().setRouteConfigName("inbound|http").setConfigSource(ADS))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.rbac")
                    .setTypedConfig(Any.pack(rbac)))
            .addHttpFilters(ROUTER)
            .build();
    Filter hcmFilter =
        Filter.newBuilder()
            .setName("envoy.filters.network.http_connection_manager")
            .setTypedConfig(Any.pack(hcm))
            .build();
    Listener expected =
        Listener.newBuilder()
            .setName("inbound|http")
            .setAddress(address("0.0.0.0", 8080))
            .setTrafficDirection(TrafficDirection.INBOUND)
            .addListenerFilters(
                ListenerFilter.newBuilder()
                    .setName("envoy.filters.listener.tls_inspector")
                    .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
            .addFilterChains(
                FilterChain.newBuilder()
                    .setName("mtls")
                    .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
                    .addFilters(hcmFilter)
                    .setTransportSocket(TlsFixtures.tls(TlsFixtures.sidecarDownstream())))
            .addFilterChains(
                FilterChain.newBuilder()
                    .setName("plaintext")
                    .setFilterChainMatch(
                        FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer"))
                    .addFilters(hcmFilter))
            .build();

    List<Listener> listeners = translator.listeners(
        PolicyFixtures.ledger(), ProxyForm.SIDECAR, rbac, MtlsMode.PERMISSIVE, Set.of());

    assertThat(listeners).extracting(Listener::getName).containsExactly("inbound|http", "outbound");
    assertThat(listeners.get(0)).isEqualTo(expected);
  }

  @Test
  void permissiveListenersOfTwoServices_shareOneTlsInspector() {
    RBAC rbac = RBAC.getDefaultInstance();
    Listener ledger = translator.listeners(
        PolicyFixtures.ledger(), ProxyForm.SIDECAR, rbac, MtlsMode.PERMISSIVE, Set.of()).get(0);
    Listener payments = translator.listeners(
        PolicyFixtures.paymentsV1(), ProxyForm.SIDECAR, rbac, MtlsMode.PERMISSIVE, Set.of()).get(0);

    // The same instance: the Gate unpacks its typed config once, not once per listener.
    assertThat(ledger.getListenerFilters(0)).isSameAs(payments.getListenerFilters(0));
  }

  @Test
  void outboundListener_onLoopback15001_routesByRdsOutbound() {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("outbound")
            .addAccessLog(ExpectedAccessLog.of("outbound"))
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(Rds.newBuilder().setRouteConfigName("outbound").setConfigSource(ADS))
            .addHttpFilters(ROUTER)
            .build();
    Listener expected =
        Listener.newBuilder()
            .setName("outbound")
            .setAddress(address("127.0.0.1", 15001))
            .setTrafficDirection(TrafficDirection.OUTBOUND)
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(
                        Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm))))
            .build();

    assertThat(translator.outbound(false)).isEqualTo(expected);
  }

  @Test
  void proxyless_oneApiListenerPerDependencyHost_namedLikeTheXdsTarget_andAServerListenerPerPort() {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("payments")
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(Rds.newBuilder().setRouteConfigName("payments").setConfigSource(ADS))
            .addHttpFilters(ROUTER)
            .build();
    Listener expected =
        Listener.newBuilder()
            .setName("payments")
            .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
            .build();

    List<Listener> listeners =
        translator.listeners(PolicyFixtures.checkout(), ProxyForm.PROXYLESS,
            RBAC.getDefaultInstance(), MtlsMode.STRICT, Set.of());

    assertThat(listeners).extracting(Listener::getName)
        .containsExactly("ledger", "payments", "payments-v1", "payments-v2", "stripe",
            "grpc/server?xds.resource.listening_address=0.0.0.0:8443");
    assertThat(listeners.get(1)).isEqualTo(expected);
  }

  @Test
  void drillHosts_putTheEmptyFaultFilterBeforeTheRouter_onlyInTheirOutboundHcms() throws Exception {
    HttpFilter fault =
        HttpFilter.newBuilder()
            .setName("envoy.filters.http.fault")
            .setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))
            .build();

    List<Listener> sidecar = translator.listeners(PolicyFixtures.checkout(), ProxyForm.SIDECAR,
        RBAC.getDefaultInstance(), MtlsMode.STRICT, Set.of("payments"));
    List<Listener> proxyless = translator.listeners(PolicyFixtures.checkout(), ProxyForm.PROXYLESS,
        RBAC.getDefaultInstance(), MtlsMode.STRICT, Set.of("payments"));

    assertThat(sidecar).extracting(Listener::getName).containsExactly("inbound|grpc", "outbound");
    assertThat(httpFilters(sidecar.get(1))).containsExactly(fault, ROUTER);
    assertThat(httpFilters(sidecar.get(0))).extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.rbac", "envoy.filters.http.router");
    assertThat(proxyless).extracting(Listener::getName)
        .startsWith("ledger", "payments", "payments-v1");
    assertThat(httpFilters(proxyless.get(1))).containsExactly(fault, ROUTER);
    assertThat(httpFilters(proxyless.get(0))).containsExactly(ROUTER);
    assertThat(httpFilters(proxyless.get(5))).extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.rbac", "envoy.filters.http.router");
  }

  private static List<HttpFilter> httpFilters(Listener listener) throws Exception {
    Any hcm = listener.hasApiListener()
        ? listener.getApiListener().getApiListener()
        : listener.getFilterChains(0).getFilters(0).getTypedConfig();
    return hcm.unpack(HttpConnectionManager.class).getHttpFiltersList();
  }

  @Test
  void proxylessServerListener_gRfcA36_mtlsFromTheCertificateProvider_rbacThenRouter() {
    RBAC rbac = new RbacFilterTranslator()
        .rbacFilter(PolicyFixtures.snapshot(), "payments-v1", ClientFamily.ENVOY);
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("inbound_grpc")
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(Rds.newBuilder().setRouteConfigName("inbound|grpc").setConfigSource(ADS))
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.rbac")
                    .setTypedConfig(Any.pack(rbac)))
            .addHttpFilters(ROUTER)
            .build();
    Listener expected =
        Listener.newBuilder()
            .setName("grpc/server?xds.resource.listening_address=0.0.0.0:8443")
            .setAddress(address("0.0.0.0", 8443))
            .setTrafficDirection(TrafficDirection.INBOUND)
            .addFilterChains(
                FilterChain.newBuilder()
                    .setName("mtls")
                    .addFilters(
                        Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm)))
                    .setTransportSocket(TlsFixtures.tls(TlsFixtures.proxylessDownstream())))
            .build();

    // PERMISSIVE is not possible without a TLS inspector: the server listener stays STRICT.
    List<Listener> listeners = translator.listeners(
        PolicyFixtures.paymentsV1(), ProxyForm.PROXYLESS, rbac, MtlsMode.PERMISSIVE, Set.of());

    assertThat(listeners).extracting(Listener::getName).containsExactly(
        "grpc/server?xds.resource.listening_address=0.0.0.0:8443",
        "grpc/server?xds.resource.listening_address=0.0.0.0:8444");
    assertThat(listeners.get(0)).isEqualTo(expected);
  }

  private static Address address(String host, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port))
        .build();
  }
}
