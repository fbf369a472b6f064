package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.socketAddress;
import static io.paymesh.xds.translate.ProtoValues.uint32;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.paymesh.config.store.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates the registered instances of a mesh service into its EDS ClusterLoadAssignment, one
 * locality per zone. Always emitted, even empty, so an EDS cluster never waits on a missing CLA.
 */
final class EndpointTranslator {
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  ClusterLoadAssignment loadAssignment(String clusterName, List<Endpoint> endpoints) {
    Map<String, List<Endpoint>> byZone = new TreeMap<>();
    for (Endpoint e : endpoints) {
      byZone.computeIfAbsent(e.zone(), z -> new ArrayList<>()).add(e);
    }
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    byZone.forEach(
        (zone, members) -> {
          // grpc-java drops a locality without load_balancing_weight; Envoy without locality-
          // weighted LB ignores it. The zone's weight is the sum of its endpoints' weights so both
          // clients spread traffic alike.
          long zoneWeight = members.stream().mapToLong(Endpoint::weight).sum();
          LocalityLbEndpoints.Builder locality =
              LocalityLbEndpoints.newBuilder()
                  .setLocality(Locality.newBuilder().setZone(zone))
                  .setLoadBalancingWeight(localityWeight(zoneWeight));
          for (Endpoint e : members) {
            locality.addLbEndpoints(
                LbEndpoint.newBuilder()
                    .setEndpoint(
                        io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                            .setAddress(socketAddress(e.address(), e.port())))
                    .setLoadBalancingWeight(uint32(e.weight())));
          }
          cla.addEndpoints(locality);
        });
    return cla.build();
  }

  /**
   * The sum as a uint32. Summed in an int it wrapped past 2^31 - 1 without a word (three
   * endpoints of weight 2^31 - 1 became 2147483645). Envoy takes at most 4294967295, and the Gate
   * refuses a locality whose endpoints' weights sum to more (invariant 9); such a sum is written
   * as that maximum only so the resource stays well-formed until the Gate refuses it.
   */
  private static UInt32Value localityWeight(long sum) {
    return UInt32Value.of((int) Math.min(sum, MAX_UINT32));
  }
}
