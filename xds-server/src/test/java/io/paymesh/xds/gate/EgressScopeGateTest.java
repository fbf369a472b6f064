package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EgressScopeGateTest {
  private final Gate gate = new Gate();

  @Test
  void clusterAndAssignmentForAnUndeclaredService_areReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    Cluster payments = good.clusters().stream()
        .filter(c -> c.getName().equals("payments-v1")).findFirst().orElseThrow();
    List<Cluster> clusters = new ArrayList<>(good.clusters());
    clusters.add(payments.toBuilder().setName("vault").build());
    List<ClusterLoadAssignment> endpoints = new ArrayList<>(good.endpoints());
    endpoints.add(ClusterLoadAssignment.newBuilder().setClusterName("vault").build());
    GroupResources bad =
        new GroupResources(good.listeners(), good.routes(), clusters, endpoints, good.secrets());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(
        new GateViolation("Cluster/vault", "6",
            "cluster is not a declared dependency of service 'checkout'"),
        new GateViolation("ClusterLoadAssignment/vault", "6",
            "cluster is not a declared dependency of service 'checkout'"));
  }

  @Test
  void localAppClusterInAProxylessGroup_isReported() {
    GroupResources sidecar = GateFixtures.translate(SIDECAR);
    GroupResources proxyless = GateFixtures.translate(PROXYLESS);
    List<Cluster> clusters = new ArrayList<>(proxyless.clusters());
    clusters.add(sidecar.clusters().get(0));

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS,
        GateFixtures.withClusters(proxyless, clusters));

    assertThat(result.violations()).containsExactly(new GateViolation("Cluster/inbound|grpc",
        "6", "cluster is not a declared dependency of service 'checkout'"));
  }

  @Test
  void anotherServicesOutputForThisGroup_isReported() {
    // payments-v1 declares no dependencies: checkout's clusters are outside its scope.
    GroupResources checkoutProxyless = GateFixtures.translate(PROXYLESS);
    ProxyGroup group = ProxyGroup.proxyless("payments-v1");

    GateResult result = gate.check(PolicyFixtures.snapshot(), group,
        new GroupResources(List.of(), List.of(), checkoutProxyless.clusters().subList(0, 1),
            List.of(), List.of()));

    assertThat(result.violations()).containsExactly(
        new GateViolation("AuthorizationPolicy/ledger-audit rule ledger-reads", "references",
            "caller 'ghost' is not a known Service"),
        new GateViolation("Cluster/ledger", "references",
            "EDS cluster has no ClusterLoadAssignment 'ledger'"),
        new GateViolation("Cluster/ledger", "6",
            "cluster is not a declared dependency of service 'payments-v1'"));
  }
}
