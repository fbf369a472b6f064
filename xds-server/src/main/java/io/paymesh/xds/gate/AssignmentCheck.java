package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * A check of each load assignment on its own, wherever it is: inline in a cluster (in
 * {@link #check}) or sent over EDS (in {@link #checkLoadAssignments}, which an endpoint change
 * runs alone). One {@link #judge} serves both, so an endpoint change meets the same rule as a
 * full check.
 */
abstract class AssignmentCheck implements GateCheck {
  /** Adds the violations of one assignment to {@code out}. */
  abstract void judge(XdsWalk.Assignment assignment, List<GateViolation> out);

  @Override
  public final List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    XdsWalk.inlineAssignments(resources).forEach(a -> judge(a, out));
    return out;
  }

  @Override
  public final List<GateViolation> checkLoadAssignments(
      PolicySnapshot snapshot, ProxyGroup group, List<ClusterLoadAssignment> assignments) {
    List<GateViolation> out = new ArrayList<>();
    XdsWalk.edsAssignments(assignments).forEach(a -> judge(a, out));
    return out;
  }
}
