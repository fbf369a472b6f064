package io.paymesh.xds.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.xds.metrics.XdsMetrics;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.ContentVersion;
import io.paymesh.xds.ads.ProxyGroups;
import io.paymesh.xds.ads.Publishers;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateViolation;
import io.paymesh.xds.inspect.ConfigDumper.GroupConfig;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDumperTest {
  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
  private static final String SDS = Resources.V3.SECRET_TYPE_URL;

  private final ConfigDumper dumper = new ConfigDumper();
  private final PolicySnapshot policy = PolicyFixtures.snapshot();

  private static List<ProxyGroup> allGroups(PolicySnapshot policy) {
    List<ProxyGroup> groups = new ArrayList<>();
    for (String service : policy.services().keySet()) {
      for (ClientFamily client : ClientFamily.values()) {
        groups.add(new ProxyGroup(service, client));
      }
    }
    return groups;
  }

  private static String json(GroupConfig config, String typeUrl, String name) {
    return config.resources().stream()
        .filter(r -> r.typeUrl().equals(typeUrl) && r.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + typeUrl + " " + name))
        .json();
  }

  @Test
  void versions_areThoseTheSnapshotPublisherPublishes() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    Publishers.demandEveryGroup(
            new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone()),
            policy)
        .publish(policy);

    int compared = 0;
    for (ProxyGroup group : allGroups(policy)) {
      Snapshot published = cache.getSnapshot(group);
      GroupConfig dump = dumper.dump(policy, group);
      if (group.service().equals("payments-v1")) {
        // Refused by the Gate (unknown caller "ghost"): not published, and its dump says why.
        assertThat(published).as(group.toString()).isNull();
        assertThat(dump.violations()).as(group.toString()).isNotEmpty();
        continue;
      }
      List<Map.Entry<String, String>> expected = new ArrayList<>(List.of(
          Map.entry(LDS, published.listeners().version()),
          Map.entry(RDS, published.routes().version()),
          Map.entry(CDS, published.clusters().version()),
          Map.entry(EDS, published.endpoints().version())));
      if (!published.secrets().resources().isEmpty()) {
        // SDS is listed only for groups with secrets: no proxy ACKs a type it never asks for.
        expected.add(Map.entry(SDS, published.secrets().version()));
      }
      assertThat(dump.versions().entrySet()).as(group.toString())
          .containsExactlyElementsOf(expected);
      compared++;
    }
    assertThat(compared).isEqualTo(allGroups(policy).size() - ClientFamily.values().length);
  }

  @Test
  void proxylessCheckout_listsEveryResourceInTypeThenNameOrder_withItsTypeVersion() {
    GroupConfig dump = dumper.dump(policy, ProxyGroup.proxyless("checkout"));

    List<String> hosts = List.of("ledger", "payments", "payments-v1", "payments-v2", "stripe");
    List<String> expected = new ArrayList<>();
    expected.add(LDS + " grpc/server?xds.resource.listening_address=0.0.0.0:8443");
    hosts.forEach(h -> expected.add(LDS + " " + h));
    expected.add(RDS + " inbound|grpc");
    hosts.forEach(h -> expected.add(RDS + " " + h));
    List.of("ledger", "payments-v1", "payments-v2", "split|payments|charge-card", "stripe")
        .forEach(c -> expected.add(CDS + " " + c));
    // stripe is a DNS cluster with its endpoints inline: no ClusterLoadAssignment over EDS.
    List.of("ledger", "payments-v1", "payments-v2", "split|payments|charge-card")
        .forEach(c -> expected.add(EDS + " " + c));
    expected.add(SDS + " psp-ca-bundle");
    assertThat(dump.resources()).extracting(r -> r.typeUrl() + " " + r.name())
        .containsExactlyElementsOf(expected);
    assertThat(dump.resources()).allSatisfy(r ->
        assertThat(r.version()).isEqualTo(dump.versions().get(r.typeUrl())));
    assertThat(dump.violations()).isEmpty();
    assertThat(dump.passesGate()).isTrue();
  }

  @Test
  void json_showsRoutesClustersAndTypedConfigsInProtoFieldNames() {
    GroupConfig proxyless = dumper.dump(policy, ProxyGroup.proxyless("checkout"));
    GroupConfig sidecar = dumper.dump(policy, ProxyGroup.sidecar("checkout"));

    assertThat(json(proxyless, RDS, "payments"))
        .contains("\"name\": \"charge-card\"")
        .contains("\"cluster\": \"split|payments|charge-card\"")
        .contains("\"header_name\": \"x-merchant-id\"");
    assertThat(json(proxyless, CDS, "split|payments|charge-card"))
        .contains("\"lb_policy\": \"RING_HASH\"")
        .contains("\"splitTargets\": [\"payments-v1\", \"payments-v2\"]");
    assertThat(json(proxyless, CDS, "stripe"))
        .contains("\"@type\": \"type.googleapis.com/"
            + "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext\"")
        .contains("\"sni\": \"api.stripe.com\"");
    assertThat(json(proxyless, LDS, "payments"))
        .contains("\"route_config_name\": \"payments\"");
    assertThat(json(sidecar, LDS, "inbound|grpc"))
        .contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC\"");
    assertThat(json(sidecar, RDS, "outbound"))
        .contains("\"name\": \"payments\"")
        .contains("\"name\": \"stripe\"");
  }

  @Test
  void everyDumpedResource_parsesBackToTheTranslatedResource() throws Exception {
    JsonFormat.Parser parser = JsonFormat.parser().usingTypeRegistry(
        JsonFormat.TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor())
            .add(RBAC.getDescriptor())
            .add(Router.getDescriptor())
            .add(UpstreamTlsContext.getDescriptor())
            .add(DownstreamTlsContext.getDescriptor())
            .add(TlsInspector.getDescriptor())
            .add(HttpProtocolOptions.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
                .getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication
                .getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.PerRouteConfig
                .getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.header_mutation.v3.HeaderMutation
                .getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
                .getDescriptor())
            .add(io.envoyproxy.envoy.config.route.v3.FilterConfig.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3
                .SimpleHttpCacheConfig.getDescriptor())
            .build());
    GroupTranslator translator = new GroupTranslator();
    int checked = 0;
    // The example mesh, and an edge gateway with JWT authentication (one issuer's keys inline),
    // rate limits and cached READ routes (an empty FilterConfig.config prints as {}).
    PolicySnapshot gatewayPolicy = io.paymesh.xds.translate.GatewayFixtures.snapshotWith(
        io.paymesh.xds.translate.GatewayFixtures.edge(),
        io.paymesh.xds.translate.GatewayFixtures.gateway("public-api",
            io.paymesh.xds.translate.GatewayFixtures.withCache(
                io.paymesh.xds.translate.GatewayFixtures.v1Deprecated(),
                io.paymesh.xds.translate.GatewayFixtures.fxRates()),
            io.paymesh.xds.translate.GatewayFixtures.withCache(
                io.paymesh.xds.translate.GatewayFixtures.v2Scoped(),
                io.paymesh.xds.translate.GatewayFixtures.currencies()),
            io.paymesh.xds.translate.GatewayFixtures.v0Retired()),
        io.paymesh.xds.translate.GatewayFixtures.edgeJwtWithInlinePartnerKeys(),
        io.paymesh.xds.translate.GatewayFixtures.edgeLimits("x-merchant-id"));
    for (ProxyGroup group : allGroups(gatewayPolicy)) {
      GroupResources translated = translator.translate(gatewayPolicy, group).orElseThrow();
      List<Message> expected = new ArrayList<>();
      expected.addAll(translated.listeners());
      expected.addAll(translated.routes());
      expected.addAll(translated.clusters());
      expected.addAll(translated.endpoints());
      expected.addAll(translated.secrets());
      List<ResourceDump> dumps = dumper.dump(gatewayPolicy, group).resources();

      assertThat(dumps).hasSameSizeAs(expected);
      for (int i = 0; i < dumps.size(); i++) {
        Message.Builder builder = expected.get(i).newBuilderForType();
        parser.merge(dumps.get(i).json(), builder);
        assertThat(builder.build()).as(dumps.get(i).name()).isEqualTo(expected.get(i));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  @Test
  void aGroupTheGateRefuses_carriesTheViolations_andStillItsResources() {
    GroupConfig dump = dumper.dump(policy, ProxyGroup.sidecar("payments-v1"));

    assertThat(dump.passesGate()).isFalse();
    assertThat(dump.violations()).containsExactly(
        new GateViolation("AuthorizationPolicy/ledger-audit rule ledger-reads", "references",
            "caller 'ghost' is not a known Service"));
    assertThat(dump.resources()).extracting(ResourceDump::name).contains("inbound|grpc");
  }

  @Test
  void aServiceNotInThePolicy_isSentNothing() {
    GroupConfig dump = dumper.dump(policy, ProxyGroup.sidecar("decommissioned"));

    assertThat(dump.resources()).isEmpty();
    assertThat(dump.violations()).isEmpty();
    assertThat(dump.versions()).isEqualTo(ContentVersion.ofGroup(GroupResources.empty()));
  }
}
