package io.paymesh.xds.gate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Invariant 9, rules of Envoy's that protoc-gen-validate cannot state (they span several
 * messages): in a load assignment, the {@code load_balancing_weight}s of a locality's endpoints
 * (1 when unset) sum to at most 4294967295, and so do those of the localities at one priority
 * (unset counts as 0), as the API documents for LbEndpoint and LocalityLbEndpoints. Summed in
 * long arithmetic, weights read as unsigned.
 */
final class LoadBalancingWeightCheck extends AssignmentCheck {
  static final String INVARIANT = "9";
  static final long MAX_SUM = 0xFFFF_FFFFL;

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  void judge(XdsWalk.Assignment assignment, List<GateViolation> out) {
    Map<Integer, Long> byPriority = new TreeMap<>(Integer::compareUnsigned);
    List<LocalityLbEndpoints> localities = assignment.cla().getEndpointsList();
    for (int l = 0; l < localities.size(); l++) {
      LocalityLbEndpoints locality = localities.get(l);
      long endpoints = 0;
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        endpoints += endpoint.hasLoadBalancingWeight()
            ? unsigned(endpoint.getLoadBalancingWeight())
            : 1;
      }
      if (endpoints > MAX_SUM) {
        out.add(new GateViolation(assignment.resource(), INVARIANT,
            assignment.at("endpoints[" + l + "]") + ": the load_balancing_weight of its"
                + " lb_endpoints sum to " + endpoints + ", more than " + MAX_SUM));
      }
      if (locality.hasLoadBalancingWeight()) {
        byPriority.merge(locality.getPriority(), unsigned(locality.getLoadBalancingWeight()),
            Long::sum);
      }
    }
    byPriority.forEach((priority, sum) -> {
      if (sum > MAX_SUM) {
        out.add(new GateViolation(assignment.resource(), INVARIANT,
            assignment.at("endpoints") + " at priority " + Integer.toUnsignedString(priority)
                + ": the load_balancing_weight of the localities sum to " + sum
                + ", more than " + MAX_SUM));
      }
    });
  }

  private static long unsigned(UInt32Value value) {
    return Integer.toUnsignedLong(value.getValue());
  }
}
