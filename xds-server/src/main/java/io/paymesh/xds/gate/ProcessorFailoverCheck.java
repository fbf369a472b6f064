package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Payment invariant 3: a non-idempotent route never fails over across processors; each cluster
 * it sends to holds one processor. A cluster that holds two lets the load balancer move a charge
 * from one PSP to the other when the first looks unhealthy, after it may have been taken. Checked
 * on the emitted clusters of every NON_IDEMPOTENT_WRITE route: no aggregate (failover) cluster, no
 * sticky split cluster over a processor, and a processor's cluster holds only that processor's
 * endpoints.
 */
final class ProcessorFailoverCheck implements GateCheck {
  static final String INVARIANT = "3";

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
      if (!ref.operation().map(OperationKind.NON_IDEMPOTENT_WRITE.name()::equals).orElse(false)) {
        continue;
      }
      for (String name : XdsWalk.routeClusters(ref.route())) {
        Cluster cluster = clusters.get(name);
        if (cluster != null) {
          checkCluster(snapshot, ref.resource(), cluster, out);
        }
      }
    }
    return out;
  }

  private static void checkCluster(
      PolicySnapshot snapshot, String route, Cluster cluster, List<GateViolation> out) {
    String subject = "non-idempotent route sends to cluster '" + cluster.getName() + "'";
    if (cluster.hasClusterType()) {
      out.add(new GateViolation(route, INVARIANT, subject + " of custom type '"
          + cluster.getClusterType().getName() + "', which may fail over across clusters"));
    }
    for (String target : XdsWalk.splitTargets(cluster)) {
      if (snapshot.processors().containsKey(target)) {
        out.add(new GateViolation(route, INVARIANT, subject
            + ", a split holding processor '" + target + "'"));
      }
    }
    PaymentProcessor processor = snapshot.processors().get(cluster.getName());
    if (processor == null) {
      return;
    }
    Set<String> own = processor.spec().endpoints().stream()
        .map(e -> e.address() + ":" + e.port())
        .collect(Collectors.toSet());
    for (LocalityLbEndpoints locality : cluster.getLoadAssignment().getEndpointsList()) {
      for (LbEndpoint endpoint : locality.getLbEndpointsList()) {
        SocketAddress address = endpoint.getEndpoint().getAddress().getSocketAddress();
        String hostPort = address.getAddress() + ":" + address.getPortValue();
        if (!own.contains(hostPort)) {
          out.add(new GateViolation(route, INVARIANT, subject + " of processor '"
              + processor.name() + "', which holds endpoint " + hostPort
              + " that is not one of that processor's"));
        }
      }
    }
  }
}
