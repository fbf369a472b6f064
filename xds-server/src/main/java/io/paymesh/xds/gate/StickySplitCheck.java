package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Payment invariant 4: a split of payment traffic is sticky per key. Checked on the emitted
 * resources, with what Envoy and the gRPC clients do with them:
 *
 * <ul>
 *   <li>{@code weighted_clusters} picks a side at random for every request, whatever the route's
 *       {@code hash_policy} (that only steers ring hash inside one cluster), so a route that is
 *       not a READ may not use it;
 *   <li>a route to a sticky split's cluster hashes a request header, and the cluster balances by
 *       RING_HASH, so one key always lands on the same endpoint, hence the same side.
 * </ul>
 */
final class StickySplitCheck implements GateCheck {
  static final String INVARIANT = "4";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    Map<String, Cluster> clusters = XdsWalk.clustersByName(resources);
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      RouteAction action = ref.route().getRoute();
      boolean read = ref.operation().map(OperationKind.READ.name()::equals).orElse(false);
      if (action.hasWeightedClusters() && !read) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "a " + ref.operation().orElse("route without operation") + " route splits with "
                + "weighted_clusters, which picks a side at random for every request; a split "
                + "that must stay sticky needs one ring-hash cluster (a split whose targets are "
                + "not all mesh Services cannot be one)"));
      }
      Cluster target = clusters.get(action.getCluster());
      if (target == null || XdsWalk.splitTargets(target).isEmpty()) {
        continue;
      }
      boolean hashesAHeader = action.getHashPolicyList().stream()
          .anyMatch(RouteAction.HashPolicy::hasHeader);
      if (!hashesAHeader) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "route to sticky split cluster '" + target.getName() + "' hashes no request "
                + "header, so every request lands at random"));
      }
    }
    for (Cluster cluster : resources.clusters()) {
      if (!XdsWalk.splitTargets(cluster).isEmpty()
          && cluster.getLbPolicy() != Cluster.LbPolicy.RING_HASH) {
        out.add(new GateViolation(ResourceNames.cluster(cluster), INVARIANT,
            "sticky split cluster balances by " + cluster.getLbPolicy()
                + "; only RING_HASH keeps a key on one side"));
      }
    }
    return out;
  }
}
