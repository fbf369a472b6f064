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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Translates the registered instances of a mesh service into its EDS ClusterLoadAssignment, one
 * locality per zone. Always emitted, even empty, so an EDS cluster never waits on a missing CLA.
 */
final class EndpointTranslator {
  /**
   * Endpoint weight units per split weight point: a split's endpoint weights sum to about
   * 100 x 10,000, well inside the uint32 Envoy allows for a locality's total, and fine enough
   * that rounding moves no side's share by more than a hundredth of a point.
   */
  static final long SPLIT_WEIGHT_UNITS = 10_000;
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
   * The endpoints of a sticky split: every side's, in one locality, each weighted so that a side
   * holds its split weight's share of the total and, within the side, its endpoints keep their own
   * proportions. One locality and explicit endpoint weights, because ring hash places endpoints on
   * the ring by endpoint weight (gRPC multiplies in the locality weight, Envoy ignores it), so one
   * locality of weight 1 gives every client the same ring. Sides are listed in the split's order
   * and endpoints in address order, so every client builds its ring from the same list.
   */
  ClusterLoadAssignment splitLoadAssignment(
      StickySplit split, Function<String, List<Endpoint>> endpointsOf) {
    // The locality must be present, if empty: grpc-js-xds NACKs an assignment without one.
    LocalityLbEndpoints.Builder locality =
        LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.getDefaultInstance())
            .setLoadBalancingWeight(uint32(1));
    for (StickySplit.Member side : split.members()) {
      List<Endpoint> endpoints = endpointsOf.apply(side.service().name()).stream()
          .sorted(Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port))
          .toList();
      long sideWeight = endpoints.stream().mapToLong(Endpoint::weight).sum();
      for (Endpoint e : endpoints) {
        long weight = Math.max(1,
            Math.round((double) SPLIT_WEIGHT_UNITS * side.weight() * e.weight() / sideWeight));
        locality.addLbEndpoints(
            LbEndpoint.newBuilder()
                .setEndpoint(
                    io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                        .setAddress(socketAddress(e.address(), e.port())))
                .setLoadBalancingWeight(uint32((int) weight)));
      }
    }
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(split.clusterName());
    if (locality.getLbEndpointsCount() > 0) {
      cla.addEndpoints(locality);
    }
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
