package io.paymesh.xds.gate;

import com.google.common.net.InetAddresses;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.List;
import java.util.Set;

/**
 * Invariant 9, a rule of Envoy's that protoc-gen-validate cannot state: the endpoints of an EDS
 * or STATIC cluster are IP addresses. Envoy resolves host names only for STRICT_DNS and
 * LOGICAL_DNS clusters ({@code SocketAddress.address}: "the cluster type determines whether the
 * address must be an IP (STATIC or EDS clusters) or a hostname resolved by DNS") and refuses an
 * EDS update or a STATIC cluster that names a host. An address with a custom
 * {@code resolver_name} is not Envoy's IP resolver's to judge and is left alone.
 */
final class EndpointAddressCheck extends AssignmentCheck {
  static final String INVARIANT = "9";
  private static final Set<Cluster.DiscoveryType> IP_ONLY =
      Set.of(Cluster.DiscoveryType.EDS, Cluster.DiscoveryType.STATIC);

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  void judge(XdsWalk.Assignment assignment, List<GateViolation> out) {
    if (!IP_ONLY.contains(assignment.type())) {
      return;
    }
    List<LocalityLbEndpoints> localities = assignment.cla().getEndpointsList();
    for (int l = 0; l < localities.size(); l++) {
      List<LbEndpoint> endpoints = localities.get(l).getLbEndpointsList();
      for (int e = 0; e < endpoints.size(); e++) {
        SocketAddress address = endpoints.get(e).getEndpoint().getAddress().getSocketAddress();
        if (!address.getAddress().isEmpty() && address.getResolverName().isEmpty()
            && !InetAddresses.isInetAddress(address.getAddress())) {
          out.add(new GateViolation(assignment.resource(), INVARIANT, assignment.at(
              "endpoints[" + l + "].lb_endpoints[" + e
                  + "].endpoint.address.socket_address.address")
              + " '" + address.getAddress() + "' is not an IP address; Envoy resolves no host"
              + " names in an " + assignment.type() + " cluster"));
        }
      }
    }
  }
}
