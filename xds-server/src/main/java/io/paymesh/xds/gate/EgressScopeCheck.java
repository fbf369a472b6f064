package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Payment invariant 6: the CDS scope is the egress allow-list. A group gets clusters (and load
 * assignments) only for its service's declared Service/PaymentProcessor dependencies, plus, for
 * sidecars, one {@code inbound|<port>} cluster per declared port, and for a gateway the JWKS
 * clusters of its Service's RequestAuthentications.
 */
final class EgressScopeCheck implements GateCheck {
  static final String INVARIANT = "6";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    Set<String> allowed = new HashSet<>();
    Service service = snapshot.services().get(group.service());
    if (service != null) {
      for (String dependency : service.spec().dependencies()) {
        if (snapshot.services().containsKey(dependency)
            || snapshot.processors().containsKey(dependency)) {
          allowed.add(dependency);
        }
      }
      if (group.form() == ProxyForm.SIDECAR) {
        service.spec().ports().forEach(p -> allowed.add(XdsNames.inbound(p.name())));
        if (!snapshot.gatewaysFor(service.name()).isEmpty()) {
          // A gateway fetches its issuers' key sets; GatewayCheck keeps routes off these.
          for (RequestAuthentication ra : snapshot.requestAuthenticationsFor(service.name())) {
            ra.spec().issuers().forEach(i -> i.remoteJwks()
                .ifPresent(r -> allowed.add(XdsNames.jwksCluster(r.uri()))));
          }
        }
      }
    }
    String message = "is not a declared dependency of service '" + group.service() + "'";
    Set<String> splitClusters = new HashSet<>();
    for (Cluster cluster : resources.clusters()) {
      List<String> splitTargets = XdsWalk.splitTargets(cluster);
      if (!splitTargets.isEmpty()) {
        // A sticky split's cluster reaches its targets: each must be a dependency.
        for (String target : splitTargets) {
          if (!allowed.contains(target)) {
            out.add(new GateViolation(ResourceNames.cluster(cluster), INVARIANT,
                "split target '" + target + "' " + message));
          }
        }
        splitClusters.add(cluster.getName());
      } else if (!allowed.contains(cluster.getName())) {
        out.add(new GateViolation(ResourceNames.cluster(cluster), INVARIANT,
            "cluster " + message));
      }
    }
    for (ClusterLoadAssignment cla : resources.endpoints()) {
      if (!allowed.contains(cla.getClusterName())
          && !splitClusters.contains(cla.getClusterName())) {
        out.add(new GateViolation(ResourceNames.loadAssignment(cla), INVARIANT,
            "cluster " + message));
      }
    }
    return out;
  }
}
