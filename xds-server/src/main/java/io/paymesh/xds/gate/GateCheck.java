package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;

/**
 * One invariant of the Gate. Checks are pure and report every violation they find.
 *
 * <p>A check judges a group in two parts, so that an endpoint change, which alters only what the
 * group's load assignments hold, is checked by looking at those alone ({@link
 * Gate#checkLoadAssignments}): {@link #check} sees every resource but with each load assignment
 * reduced to its cluster name, so its verdict cannot depend on endpoints; {@link
 * #checkLoadAssignments} sees the load assignments whole.
 */
interface GateCheck {

  /** The invariant id reported in {@link GateViolation#invariant()}. */
  String invariant();

  /**
   * The verdict on everything but the content of the load assignments.
   *
   * @param resources the group's resources, each ClusterLoadAssignment holding only its
   *     {@code cluster_name}
   */
  List<GateViolation> check(PolicySnapshot snapshot, ProxyGroup group, GroupResources resources);

  /**
   * The verdict on the content of the group's load assignments (its EDS resources). None for a
   * check that does not look into endpoints.
   */
  default List<GateViolation> checkLoadAssignments(
      PolicySnapshot snapshot, ProxyGroup group, List<ClusterLoadAssignment> assignments) {
    return List.of();
  }
}
