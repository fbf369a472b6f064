package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferencesGateTest {
  private final Gate gate = new Gate();

  @Test
  void unknownDependency_isReported() {
    Service checkout = withDependencies(PolicyFixtures.checkout(),
        List.of("stripe", "payments", "payments-v1", "payments-v2", "ledger", "fraud"));
    PolicySnapshot snapshot = snapshotWith(checkout);

    GateResult result = gate.check(snapshot, SIDECAR, GateFixtures.translate(snapshot, SIDECAR));

    assertThat(result.violations()).contains(new GateViolation("Service/checkout", "references",
        "dependency 'fraud' is not a Service, PaymentProcessor or RouteTable host"));
  }

  @Test
  void routeTargetThatIsNotADeclaredDependency_isReported() {
    Service checkout = withDependencies(PolicyFixtures.checkout(),
        List.of("stripe", "payments", "payments-v1", "ledger"));
    PolicySnapshot snapshot = snapshotWith(checkout);

    GateResult result = gate.check(snapshot, PROXYLESS,
        GateFixtures.translate(snapshot, PROXYLESS));

    assertThat(result.violations()).containsExactly(
        new GateViolation("RouteTable/payments route charge-card", "references",
            "target 'payments-v2' is not a declared dependency of service 'checkout'"),
        // The sticky split's cluster would reach payments-v2: the caller gets none.
        new GateViolation("RouteConfiguration/payments route charge-card", "references",
            "cluster 'split|payments|charge-card' does not exist"));
  }

  @Test
  void nameUsedByServiceAndProcessor_isReported() {
    PolicySnapshot snapshot = PolicySnapshot.builder(1)
        .addAll(PolicyFixtures.resources())
        .add(new PaymentProcessor("ledger", PolicyFixtures.stripe().spec()))
        .build();

    GateResult result = gate.check(snapshot, SIDECAR, GateFixtures.translate(snapshot, SIDECAR));

    assertThat(result.violations()).containsExactly(new GateViolation("Service/ledger",
        "references", "name is used by both a Service and a PaymentProcessor"));
  }

  @Test
  void missingService_isReported() {
    GateResult result = gate.check(PolicyFixtures.snapshot(), ProxyGroup.sidecar("ghost"),
        GroupResources.empty());

    assertThat(result.violations()).containsExactly(
        new GateViolation("Service/ghost", "references", "service does not exist"));
  }

  @Test
  void listenerNamingAMissingRouteConfiguration_isReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    GroupResources bad = new GroupResources(good.listeners(),
        good.routes().stream().filter(r -> !r.getName().equals("inbound|grpc")).toList(),
        good.clusters(), good.endpoints(), good.secrets());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "references", "route configuration 'inbound|grpc' does not exist"));
  }

  @Test
  void hcmWithInlineRoutes_isReported() {
    GroupResources bad = GateFixtures.editHcm(GateFixtures.translate(SIDECAR), "outbound",
        hcm -> hcm.setRouteConfig(RouteConfiguration.newBuilder().setName("inline")));

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/outbound",
        "references", "HttpConnectionManager must take its routes from RDS"));
  }

  @Test
  void routeToAMissingCluster_isReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    GroupResources bad = GateFixtures.withClusters(good,
        good.clusters().stream().filter(c -> !c.getName().equals("stripe")).toList());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation(
        "RouteConfiguration/outbound route default", "references",
        "cluster 'stripe' does not exist"));
  }

  @Test
  void edsClusterWithoutLoadAssignment_andDuplicateNames_areReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    List<ClusterLoadAssignment> endpoints = good.endpoints().stream()
        .filter(e -> !e.getClusterName().equals("payments-v2")).toList();
    List<Cluster> clusters = new ArrayList<>(good.clusters());
    clusters.add(good.clusters().get(1));
    GroupResources bad = new GroupResources(good.listeners(), good.routes(), clusters, endpoints,
        good.secrets());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(
        new GateViolation("Cluster/ledger", "references", "duplicate Cluster name"),
        new GateViolation("Cluster/payments-v2", "references",
            "EDS cluster has no ClusterLoadAssignment 'payments-v2'"));
  }

  @Test
  void rdsNameOfAnApiListenerIsChecked_too() {
    GroupResources bad = GateFixtures.editListener(GateFixtures.translate(PROXYLESS), "ledger",
        l -> {
          try {
            var hcm = l.getApiListener().getApiListener().unpack(
                io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3
                    .HttpConnectionManager.class);
            l.getApiListenerBuilder().setApiListener(com.google.protobuf.Any.pack(
                hcm.toBuilder().setRds(Rds.newBuilder(hcm.getRds()).setRouteConfigName("ledgr"))
                    .build()));
            return l;
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
          }
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/ledger",
        "references", "route configuration 'ledgr' does not exist"));
  }

  @Test
  void clusterNamingAnAdsSecretThatIsNotServed_isReported_fileBasedSdsIsNot() {
    // The sidecar's mesh clusters and listeners name file-based SDS secrets (read from the
    // workload's disk, never part of the group): only stripe's ADS secret is missing.
    GroupResources bad = GateFixtures.withSecrets(GateFixtures.translate(SIDECAR), List.of());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Cluster/stripe",
        "references", "SDS secret 'psp-ca-bundle' (over ADS) does not exist"));
  }

  @Test
  void listenerChainNamingAnAdsSecretThatIsNotServed_isReported() {
    GroupResources bad = GateFixtures.editDownstreamTls(GateFixtures.translate(SIDECAR),
        "inbound|grpc", 0, tls -> {
          tls.getCommonTlsContextBuilder().getCombinedValidationContextBuilder()
              .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder()
                  .setName("mesh-ca").setSdsConfig(ConfigSource.newBuilder()
                      .setAds(AggregatedConfigSource.getDefaultInstance())));
          return tls;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "references", "filter chain 'mtls': SDS secret 'mesh-ca' (over ADS) does not exist"));
  }

  @Test
  void duplicateSecretNames_areReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    List<Secret> secrets = new ArrayList<>(good.secrets());
    secrets.addAll(good.secrets());

    GateResult result =
        gate.check(PolicyFixtures.snapshot(), SIDECAR, GateFixtures.withSecrets(good, secrets));

    assertThat(result.violations()).containsExactly(new GateViolation("Secret/psp-ca-bundle",
        "references", "duplicate Secret name"));
  }

  private static Service withDependencies(Service s, List<String> dependencies) {
    Service.Spec spec = s.spec();
    return new Service(s.name(), new Service.Spec(spec.ports(), spec.identity(), spec.pciScope(),
        dependencies, spec.loadBalancing(), spec.circuitBreakers(), spec.outlierDetection()));
  }

  private static PolicySnapshot snapshotWith(Service replacement) {
    PolicySnapshot.Builder b = PolicySnapshot.builder(1).addAll(PolicyFixtures.resources())
        .add(replacement);
    PolicyFixtures.endpoints().forEach(b::addEndpoint);
    return b.build();
  }
}
