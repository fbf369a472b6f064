package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import org.junit.jupiter.api.Test;

/** Invariant 4 on emitted resources: a split of payment traffic stays sticky per key. */
class StickySplitGateTest {
  private static final String SPLIT = "split|payments|charge-card";
  private final Gate gate = new Gate();

  @Test
  void translatedStickySplit_passes() {
    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR,
        GateFixtures.translate(SIDECAR)).violations()).isEmpty();
  }

  @Test
  void nonReadRouteWithWeightedClusters_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(PROXYLESS), "payments",
        "charge-card", r -> {
          r.getRouteBuilder().setWeightedClusters(WeightedCluster.newBuilder()
              .addClusters(WeightedCluster.ClusterWeight.newBuilder()
                  .setName("payments-v1").setWeight(UInt32Value.of(90)))
              .addClusters(WeightedCluster.ClusterWeight.newBuilder()
                  .setName("payments-v2").setWeight(UInt32Value.of(10))));
          return r;
        });

    assertThat(gate.check(PolicyFixtures.snapshot(), PROXYLESS, bad).violations())
        .containsExactly(new GateViolation("RouteConfiguration/payments route charge-card", "4",
            "a NON_IDEMPOTENT_WRITE route splits with weighted_clusters, which picks a side at "
                + "random for every request; a split that must stay sticky needs one ring-hash "
                + "cluster (a split whose targets are not all mesh Services cannot be one)"));
  }

  @Test
  void routeToTheSplitClusterWithoutAHeaderHash_isReported() {
    GroupResources bad = GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound",
        "charge-card", r -> {
          r.getRouteBuilder().clearHashPolicy();
          return r;
        });

    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR, bad).violations())
        .containsExactly(new GateViolation("RouteConfiguration/outbound route charge-card", "4",
            "route to sticky split cluster '" + SPLIT + "' hashes no request header, so every "
                + "request lands at random"));
  }

  @Test
  void splitClusterNotBalancedByRingHash_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(SIDECAR), SPLIT,
        c -> c.setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN));

    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR, bad).violations())
        .containsExactly(new GateViolation("Cluster/" + SPLIT, "4",
            "sticky split cluster balances by ROUND_ROBIN; only RING_HASH keeps a key on one "
                + "side"));
  }
}
