package io.paymesh.xds.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Invariant 9, Envoy's rules on load assignments that no field rule can state, on what the
 * translator emits for registered endpoints that bypassed validation (written to etcd by hand).
 */
class LoadAssignmentGateTest {
  private static final ProxyGroup CHECKOUT = GateFixtures.SIDECAR;
  private static final int MAX_INT = Integer.MAX_VALUE;
  private final Gate gate = new Gate();

  @Test
  void hostNameInAnEdsAssignment_isReported() {
    GateResult result = check(List.of(
        endpoint("p1-a", "10.0.0.1", "zone-a", 1),
        endpoint("p1-b", "payments-v1.internal", "zone-a", 1)));

    String message = "endpoints[0].lb_endpoints[1].endpoint.address.socket_address.address"
        + " 'payments-v1.internal' is not an IP address; Envoy resolves no host names in an"
        + " EDS cluster";
    // payments-v1's own assignment, and the sticky split's that holds its endpoints too.
    assertThat(result.violations()).containsExactly(
        new GateViolation("ClusterLoadAssignment/payments-v1", "9", message),
        new GateViolation("ClusterLoadAssignment/split|payments|charge-card", "9", message));
  }

  @Test
  void hostNamesOfAStrictDnsProcessorCluster_areFine_ipv6InEds_too() {
    // stripe's endpoints are host names: its cluster is STRICT_DNS, which Envoy resolves.
    GateResult result = check(List.of(endpoint("p1-a", "2001:db8::7", "zone-a", 1)));

    assertThat(result.violations()).isEmpty();
  }

  @Test
  void endpointWeightsOfALocality_summingPastUint32_areReported() {
    // 3 x (2^31 - 1): an int sum wrapped to 2147483645 and nothing noticed.
    GateResult result = check(List.of(
        endpoint("p1-a", "10.0.0.1", "zone-a", MAX_INT),
        endpoint("p1-b", "10.0.0.2", "zone-a", MAX_INT),
        endpoint("p1-c", "10.0.0.3", "zone-a", MAX_INT)));

    assertThat(result.violations()).containsExactly(new GateViolation(
        "ClusterLoadAssignment/payments-v1", "9",
        "endpoints[0]: the load_balancing_weight of its lb_endpoints sum to 6442450941, more"
            + " than 4294967295"));
  }

  @Test
  void localityWeightsOfAPriority_summingPastUint32_areReported() {
    // zone-a sums to 4294967294 and zone-b to 2: each fits, together they do not.
    GateResult result = check(List.of(
        endpoint("p1-a", "10.0.0.1", "zone-a", MAX_INT),
        endpoint("p1-b", "10.0.0.2", "zone-a", MAX_INT),
        endpoint("p1-c", "10.0.0.3", "zone-b", 2)));

    assertThat(result.violations()).containsExactly(new GateViolation(
        "ClusterLoadAssignment/payments-v1", "9",
        "endpoints at priority 0: the load_balancing_weight of the localities sum to"
            + " 4294967296, more than 4294967295"));
  }

  @Test
  void weightsSummingToExactlyUint32Max_pass() {
    GateResult result = check(List.of(
        endpoint("p1-a", "10.0.0.1", "zone-a", MAX_INT),
        endpoint("p1-b", "10.0.0.2", "zone-a", MAX_INT),
        endpoint("p1-c", "10.0.0.3", "zone-b", 1)));

    assertThat(result.violations()).isEmpty();
  }

  /** The example policy with payments-v1's endpoints replaced; checkout's group is checked. */
  private GateResult check(List<Endpoint> paymentsV1) {
    PolicySnapshot.Builder b = PolicySnapshot.builder(42).addAll(PolicyFixtures.resources());
    PolicyFixtures.endpoints().stream()
        .filter(e -> !e.service().equals("payments-v1"))
        .forEach(b::addEndpoint);
    paymentsV1.forEach(b::addEndpoint);
    PolicySnapshot snapshot = b.build();
    GroupResources resources = GateFixtures.translate(snapshot, CHECKOUT);
    return gate.check(snapshot, CHECKOUT, resources);
  }

  private static Endpoint endpoint(String id, String address, String zone, int weight) {
    return new Endpoint("payments-v1", id, address, 9090, zone, weight);
  }
}
