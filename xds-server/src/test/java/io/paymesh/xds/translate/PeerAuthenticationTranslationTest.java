package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * PeerAuthentication as it reaches a sidecar's inbound listener, through the whole group
 * translation: the policy documents decide the mode, the CDE overrides them, absence is STRICT.
 */
class PeerAuthenticationTranslationTest {
  private static final ConfigSource ADS =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();

  private final GroupTranslator translator = new GroupTranslator();
  private final MtlsTranslator mtls = new MtlsTranslator();

  private static PolicySnapshot with(PeerAuthentication... documents) {
    List<PolicyResource> resources = new ArrayList<>(PolicyFixtures.resources());
    resources.addAll(List.of(documents));
    return PolicySnapshot.builder(1).addAll(resources).build();
  }

  private static PeerAuthentication pa(String name, String service, MtlsMode mode) {
    return new PeerAuthentication(name, new PeerAuthentication.Spec(service, mode));
  }

  private Listener inbound(PolicySnapshot snapshot, String service) {
    return translator.translate(snapshot, ProxyGroup.sidecar(service)).orElseThrow()
        .listeners().get(0);
  }

  /** The port's HCM with the service's RBAC then the router, as on every inbound chain. */
  private static Filter hcm(PolicySnapshot snapshot, String service, String port) {
    RBAC rbac = new RbacFilterTranslator().rbacFilter(snapshot, service, ClientFamily.ENVOY);
    return Filter.newBuilder()
        .setName("envoy.filters.network.http_connection_manager")
        .setTypedConfig(Any.pack(HttpConnectionManager.newBuilder()
            .setStatPrefix("inbound_" + port)
            .addAccessLog(ExpectedAccessLog.of("inbound|" + port))
            .setCodecType(HttpConnectionManager.CodecType.AUTO)
            .setRds(Rds.newBuilder().setRouteConfigName("inbound|" + port).setConfigSource(ADS))
            .addHttpFilters(HttpFilter.newBuilder()
                .setName("envoy.filters.http.rbac")
                .setTypedConfig(Any.pack(rbac)))
            .addHttpFilters(HttpFilter.newBuilder()
                .setName("envoy.filters.http.router")
                .setTypedConfig(Any.pack(Router.getDefaultInstance())))
            .build()))
        .build();
  }

  private static Listener strict(Filter hcm, String name, int port) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(Address.newBuilder().setSocketAddress(
            SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(FilterChain.newBuilder()
            .setName("mtls")
            .addFilters(hcm)
            .setTransportSocket(TlsFixtures.tls(TlsFixtures.sidecarDownstream())))
        .build();
  }

  @Test
  void noPeerAuthentication_isStrict() {
    PolicySnapshot snapshot = with();

    assertThat(inbound(snapshot, "ledger"))
        .isEqualTo(strict(hcm(snapshot, "ledger", "http"), "inbound|http", 8080));
  }

  @Test
  void strict_isOneMtlsChain() {
    PolicySnapshot snapshot = with(pa("ledger-mtls", "ledger", MtlsMode.STRICT));

    assertThat(inbound(snapshot, "ledger"))
        .isEqualTo(strict(hcm(snapshot, "ledger", "http"), "inbound|http", 8080));
  }

  @Test
  void permissive_outsideTheCde_addsTheTlsInspectorAndAPlaintextChain() {
    PolicySnapshot snapshot = with(pa("ledger-migration", "ledger", MtlsMode.PERMISSIVE));
    Filter hcm = hcm(snapshot, "ledger", "http");
    Listener expected = Listener.newBuilder()
        .setName("inbound|http")
        .setAddress(Address.newBuilder().setSocketAddress(
            SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(8080)))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addListenerFilters(ListenerFilter.newBuilder()
            .setName("envoy.filters.listener.tls_inspector")
            .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
        .addFilterChains(FilterChain.newBuilder()
            .setName("mtls")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls"))
            .addFilters(hcm)
            .setTransportSocket(TlsFixtures.tls(TlsFixtures.sidecarDownstream())))
        .addFilterChains(FilterChain.newBuilder()
            .setName("plaintext")
            .setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer"))
            .addFilters(hcm))
        .build();

    assertThat(inbound(snapshot, "ledger")).isEqualTo(expected);
  }

  @Test
  void permissive_forACdeService_isStrictAnyway() {
    PolicySnapshot snapshot = with(pa("payments-migration", "payments-v2", MtlsMode.PERMISSIVE));

    assertThat(inbound(snapshot, "payments-v2"))
        .isEqualTo(strict(hcm(snapshot, "payments-v2", "grpc"), "inbound|grpc", 8443));
  }

  @Test
  void mode_isTheStrictestOfTheServicesDocuments_andOnlyTheirs() {
    var ledger = PolicyFixtures.ledger();

    assertThat(mtls.inboundMode(with(), ledger)).isEqualTo(MtlsMode.STRICT);
    assertThat(mtls.inboundMode(with(pa("a", "ledger", MtlsMode.PERMISSIVE)), ledger))
        .isEqualTo(MtlsMode.PERMISSIVE);
    assertThat(mtls.inboundMode(with(pa("a", "ledger", MtlsMode.PERMISSIVE),
            pa("b", "ledger", MtlsMode.STRICT)), ledger))
        .isEqualTo(MtlsMode.STRICT);
    assertThat(mtls.inboundMode(with(pa("a", "checkout", MtlsMode.PERMISSIVE)), ledger))
        .isEqualTo(MtlsMode.STRICT);
    assertThat(mtls.inboundMode(with(pa("a", "payments-v1", MtlsMode.PERMISSIVE)),
            PolicyFixtures.paymentsV1()))
        .isEqualTo(MtlsMode.STRICT);
  }

  @Test
  void proxylessServerListener_isStrict_evenWhenThePolicyIsPermissive() {
    PolicySnapshot snapshot = with(pa("ledger-migration", "ledger", MtlsMode.PERMISSIVE));

    Listener server = translator.translate(snapshot, ProxyGroup.proxyless("ledger"))
        .orElseThrow().listeners().get(0);

    assertThat(server.getName())
        .isEqualTo("grpc/server?xds.resource.listening_address=0.0.0.0:8080");
    assertThat(server.getListenerFiltersList()).isEmpty();
    assertThat(server.getFilterChainsList()).singleElement().satisfies(chain ->
        assertThat(chain.getTransportSocket())
            .isEqualTo(TlsFixtures.tls(TlsFixtures.proxylessDownstream())));
  }

  @Test
  void trustDomainPrefix_isTheSpiffeIdUpToItsPath() {
    assertThat(MtlsTranslator.trustDomainPrefix("spiffe://paymesh.local/ns/payments/sa/x"))
        .isEqualTo("spiffe://paymesh.local/");
    assertThat(MtlsTranslator.trustDomainPrefix("spiffe://eu.pay-mesh_1/a"))
        .isEqualTo("spiffe://eu.pay-mesh_1/");
  }
}
