package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.XdsNames;
import org.junit.jupiter.api.Test;

/** Invariant 3 on emitted resources: a charge never fails over from one processor to another. */
class ProcessorFailoverGateTest {
  private final Gate gate = new Gate();

  /** The fixture's charge route, pointed at the stripe cluster. */
  private static GroupResources chargesToStripe() {
    return GateFixtures.editRoute(GateFixtures.translate(SIDECAR), "outbound", "charge-card",
        r -> {
          r.getRouteBuilder().clearHashPolicy().setCluster("stripe");
          return r;
        });
  }

  @Test
  void chargesToOneProcessorsCluster_pass() {
    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR, chargesToStripe()).violations())
        .isEmpty();
  }

  @Test
  void processorClusterHoldingAnotherProcessorsEndpoint_isReported() {
    GroupResources bad = GateFixtures.editCluster(chargesToStripe(), "stripe",
        c -> {
          c.getLoadAssignmentBuilder().addEndpoints(LocalityLbEndpoints.newBuilder()
              .setPriority(2)
              .addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder()
                  .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder()
                      .setAddress("checkout-live.adyen.com").setPortValue(443))))));
          return c;
        });

    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR, bad).violations())
        .containsExactly(new GateViolation("RouteConfiguration/outbound route charge-card", "3",
            "non-idempotent route sends to cluster 'stripe' of processor 'stripe', which holds "
                + "endpoint checkout-live.adyen.com:443 that is not one of that processor's"));
  }

  @Test
  void splitClusterOverAProcessor_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(SIDECAR),
        "split|payments|charge-card", c -> c.setMetadata(Metadata.newBuilder()
            .putFilterMetadata(XdsNames.METADATA_NAMESPACE, Struct.newBuilder()
                .putFields(XdsNames.METADATA_SPLIT_TARGETS, Value.newBuilder().setListValue(
                    ListValue.newBuilder()
                        .addValues(Value.newBuilder().setStringValue("payments-v1"))
                        .addValues(Value.newBuilder().setStringValue("stripe"))).build())
                .build())));

    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR, bad).violations())
        .contains(new GateViolation("RouteConfiguration/outbound route charge-card", "3",
            "non-idempotent route sends to cluster 'split|payments|charge-card', a split "
                + "holding processor 'stripe'"));
  }

  @Test
  void aggregateClusterOnAChargeRoute_isReported() {
    GroupResources bad = GateFixtures.editCluster(chargesToStripe(), "stripe",
        c -> c.setClusterType(Cluster.CustomClusterType.newBuilder()
            .setName("envoy.clusters.aggregate")));

    assertThat(gate.check(PolicyFixtures.snapshot(), SIDECAR, bad).violations())
        .contains(new GateViolation("RouteConfiguration/outbound route charge-card", "3",
            "non-idempotent route sends to cluster 'stripe' of custom type "
                + "'envoy.clusters.aggregate', which may fail over across clusters"));
  }
}
