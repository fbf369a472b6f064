package io.paymesh.xds.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointTranslatorTest {
  private final EndpointTranslator translator = new EndpointTranslator();

  @Test
  void endpoints_areGroupedByZone_withLocalityWeightTheSumOfEndpointWeights() {
    ClusterLoadAssignment expected =
        ClusterLoadAssignment.newBuilder()
            .setClusterName("payments-v1")
            .addEndpoints(
                LocalityLbEndpoints.newBuilder()
                    .setLocality(Locality.newBuilder().setZone("zone-a"))
                    .setLoadBalancingWeight(UInt32Value.of(1))
                    .addLbEndpoints(lbEndpoint("10.0.0.2", 9090, 1)))
            .addEndpoints(
                LocalityLbEndpoints.newBuilder()
                    .setLocality(Locality.newBuilder().setZone("zone-b"))
                    .setLoadBalancingWeight(UInt32Value.of(5))
                    .addLbEndpoints(lbEndpoint("10.0.0.1", 9090, 2))
                    .addLbEndpoints(lbEndpoint("10.0.0.3", 9090, 3)))
            .build();

    ClusterLoadAssignment actual =
        translator.loadAssignment("payments-v1",
            PolicyFixtures.snapshot().endpointsOf("payments-v1"));

    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void priorities_becomeOneLocalityPerPriorityAndZone_renumberedWithoutGaps() {
    List<io.paymesh.config.store.Endpoint> registered = List.of(
        endpoint("p5", "10.0.0.9", "zone-c", 1, 5),
        endpoint("p0-b", "10.0.0.2", "zone-b", 2, 0),
        endpoint("p2", "10.0.0.5", "zone-a", 4, 2),
        endpoint("p0-a", "10.0.0.1", "zone-a", 3, 0),
        endpoint("p0-a2", "10.0.0.3", "zone-a", 1, 0));

    ClusterLoadAssignment actual = translator.loadAssignment("payments-v1", registered);

    // Registered levels 0, 2 and 5 are sent as 0, 1 and 2: gRPC refuses gaps. A standby level's
    // localities carry its registered priority as sub-zone, so zone-a is two localities.
    assertThat(actual).isEqualTo(ClusterLoadAssignment.newBuilder()
        .setClusterName("payments-v1")
        .addEndpoints(locality(Locality.newBuilder().setZone("zone-a"), 4, 0)
            .addLbEndpoints(lbEndpoint("10.0.0.1", 9090, 3))
            .addLbEndpoints(lbEndpoint("10.0.0.3", 9090, 1)))
        .addEndpoints(locality(Locality.newBuilder().setZone("zone-b"), 2, 0)
            .addLbEndpoints(lbEndpoint("10.0.0.2", 9090, 2)))
        .addEndpoints(
            locality(Locality.newBuilder().setZone("zone-a").setSubZone("priority-2"), 4, 1)
                .addLbEndpoints(lbEndpoint("10.0.0.5", 9090, 4)))
        .addEndpoints(
            locality(Locality.newBuilder().setZone("zone-c").setSubZone("priority-5"), 1, 2)
                .addLbEndpoints(lbEndpoint("10.0.0.9", 9090, 1)))
        .build());
  }

  @Test
  void onlyStandbyEndpointsRegistered_theyAreSentAtPriorityZero() {
    ClusterLoadAssignment actual = translator.loadAssignment("payments-v1",
        List.of(endpoint("standby", "10.0.0.5", "zone-a", 1, 3)));

    assertThat(actual.getEndpointsList()).singleElement().satisfies(l -> {
      assertThat(l.getPriority()).isZero();
      assertThat(l.getLocality())
          .isEqualTo(Locality.newBuilder().setZone("zone-a").setSubZone("priority-3").build());
    });
  }

  @Test
  void localityWeightAbove2To31_isTheUnsignedSum() {
    ClusterLoadAssignment cla = translator.loadAssignment("payments-v1", List.of(
        endpoint("a", Integer.MAX_VALUE), endpoint("b", Integer.MAX_VALUE), endpoint("c", 1)));

    assertThat(Integer.toUnsignedLong(cla.getEndpoints(0).getLoadBalancingWeight().getValue()))
        .isEqualTo(4_294_967_295L);
  }

  @Test
  void localityWeightBeyondUint32_isTheMaximum_notAWrappedInt() {
    // An int sum wrapped to 2147483645; the Gate refuses the locality (its endpoints' weights
    // sum to more than Envoy allows), so the value only has to stay a well-formed uint32.
    ClusterLoadAssignment cla = translator.loadAssignment("payments-v1", List.of(
        endpoint("a", Integer.MAX_VALUE), endpoint("b", Integer.MAX_VALUE),
        endpoint("c", Integer.MAX_VALUE)));

    assertThat(Integer.toUnsignedLong(cla.getEndpoints(0).getLoadBalancingWeight().getValue()))
        .isEqualTo(4_294_967_295L);
  }

  @Test
  void noEndpoints_stillYieldsAnAssignmentWithoutLocalities() {
    assertThat(translator.loadAssignment("payments-v2", List.of()))
        .isEqualTo(ClusterLoadAssignment.newBuilder().setClusterName("payments-v2").build());
  }

  private static io.paymesh.config.store.Endpoint endpoint(
      String id, String address, String zone, int weight, int priority) {
    return new io.paymesh.config.store.Endpoint(
        "payments-v1", id, address, 9090, zone, weight, priority);
  }

  private static LocalityLbEndpoints.Builder locality(
      Locality.Builder locality, int weight, int priority) {
    return LocalityLbEndpoints.newBuilder()
        .setLocality(locality)
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .setPriority(priority);
  }

  private static io.paymesh.config.store.Endpoint endpoint(String id, int weight) {
    return new io.paymesh.config.store.Endpoint("payments-v1", id, "10.0.0.1", 9090, "zone-a",
        weight);
  }

  private static LbEndpoint lbEndpoint(String address, int port, int weight) {
    return LbEndpoint.newBuilder()
        .setEndpoint(
            Endpoint.newBuilder()
                .setAddress(
                    Address.newBuilder()
                        .setSocketAddress(
                            SocketAddress.newBuilder().setAddress(address).setPortValue(port))))
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .build();
  }

  @Test
  void stickySplit_holdsEverySidesEndpointsInOneLocality_weightedBySplitShareAndOwnWeight() {
    io.paymesh.config.store.Endpoint a1 =
        new io.paymesh.config.store.Endpoint("payments-v1", "a1", "10.0.0.2", 9090, "z", 1);
    io.paymesh.config.store.Endpoint a2 =
        new io.paymesh.config.store.Endpoint("payments-v1", "a2", "10.0.0.1", 9090, "z", 3);
    io.paymesh.config.store.Endpoint b1 =
        new io.paymesh.config.store.Endpoint("payments-v2", "b1", "10.0.1.1", 9090, "z", 7);
    StickySplit split = StickySplit.of(PolicyFixtures.snapshot(), "payments",
        PolicyFixtures.chargeCard()).orElseThrow();

    ClusterLoadAssignment actual = translator.splitLoadAssignment(split,
        service -> service.equals("payments-v1") ? List.of(a1, a2) : List.of(b1));

    // 90 % of 1,000,000 weight units over payments-v1 (1:3), 10 % to payments-v2's one endpoint;
    // within a side, endpoints in address order.
    assertThat(actual).isEqualTo(ClusterLoadAssignment.newBuilder()
        .setClusterName("split|payments|charge-card")
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.getDefaultInstance())
            .setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(lbEndpoint("10.0.0.1", 9090, 675_000))
            .addLbEndpoints(lbEndpoint("10.0.0.2", 9090, 225_000))
            .addLbEndpoints(lbEndpoint("10.0.1.1", 9090, 100_000)))
        .build());
  }

  @Test
  void stickySplit_ringHoldsEachSidesLowestRegisteredPriorityOnly() {
    io.paymesh.config.store.Endpoint a1 =
        new io.paymesh.config.store.Endpoint("payments-v1", "a1", "10.0.0.1", 9090, "z", 1, 0);
    io.paymesh.config.store.Endpoint a2 =
        new io.paymesh.config.store.Endpoint("payments-v1", "a2", "10.0.0.2", 9090, "z", 1, 0);
    io.paymesh.config.store.Endpoint aStandby =
        new io.paymesh.config.store.Endpoint("payments-v1", "a3", "10.0.0.3", 9090, "z", 1, 1);
    io.paymesh.config.store.Endpoint bStandby =
        new io.paymesh.config.store.Endpoint("payments-v2", "b1", "10.0.1.1", 9090, "z", 1, 2);
    StickySplit split = StickySplit.of(PolicyFixtures.snapshot(), "payments",
        PolicyFixtures.chargeCard()).orElseThrow();

    ClusterLoadAssignment actual = translator.splitLoadAssignment(split,
        service -> service.equals("payments-v1") ? List.of(aStandby, a2, a1) : List.of(bStandby));

    // payments-v1's standby is off the ring; payments-v2 has only a standby level, so that one is
    // its share. One locality, no priority: every key stays on its side while the side is up.
    assertThat(actual).isEqualTo(ClusterLoadAssignment.newBuilder()
        .setClusterName("split|payments|charge-card")
        .addEndpoints(LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.getDefaultInstance())
            .setLoadBalancingWeight(UInt32Value.of(1))
            .addLbEndpoints(lbEndpoint("10.0.0.1", 9090, 450_000))
            .addLbEndpoints(lbEndpoint("10.0.0.2", 9090, 450_000))
            .addLbEndpoints(lbEndpoint("10.0.1.1", 9090, 100_000)))
        .build());
  }

  @Test
  void stickySplit_withoutEndpoints_isAnEmptyAssignment() {
    StickySplit split = StickySplit.of(PolicyFixtures.snapshot(), "payments",
        PolicyFixtures.chargeCard()).orElseThrow();

    assertThat(translator.splitLoadAssignment(split, service -> List.of()))
        .isEqualTo(ClusterLoadAssignment.newBuilder()
            .setClusterName("split|payments|charge-card").build());
  }
}
