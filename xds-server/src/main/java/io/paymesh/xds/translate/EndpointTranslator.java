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
 * locality per (priority, zone). Always emitted, even empty, so an EDS cluster never waits on a
 * missing CLA.
 */
final class EndpointTranslator {
  /**
   * Endpoint weight units per split weight point: a split's endpoint weights sum to about
   * 100 x 10,000, well inside the uint32 Envoy allows for a locality's total, and fine enough
   * that rounding moves no side's share by more than a hundredth of a point.
   */
  static final long SPLIT_WEIGHT_UNITS = 10_000;
  private static final long MAX_UINT32 = 0xFFFF_FFFFL;

  /**
   * Localities in priority order, then zone order. The registered priorities present are
   * renumbered 0..n-1 keeping their order: Envoy and gRPC fail over level by level, and gRPC
   * clients refuse a load assignment whose levels have a gap ("sparse priorities"), which
   * registrations alone would give as soon as, say, only levels 0 and 2 are up.
   */
  ClusterLoadAssignment loadAssignment(String clusterName, List<Endpoint> endpoints) {
    Map<Integer, Map<String, List<Endpoint>>> byPriorityAndZone = new TreeMap<>();
    for (Endpoint e : endpoints) {
      byPriorityAndZone.computeIfAbsent(e.priority(), p -> new TreeMap<>())
          .computeIfAbsent(e.zone(), z -> new ArrayList<>()).add(e);
    }
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    int level = 0;
    for (Map.Entry<Integer, Map<String, List<Endpoint>>> registered
        : byPriorityAndZone.entrySet()) {
      int priority = level++;
      registered.getValue().forEach((zone, members) ->
          cla.addEndpoints(locality(priority, locality(zone, registered.getKey()), members)));
    }
    return cla.build();
  }

  /**
   * The zone, and for a standby level its registered priority as sub-zone. grpc-java (1.85) keys
   * the localities of a load assignment by Locality alone: a zone at priorities 0 and 1 keeps
   * only the last one, so every call went to the standby while priority 0 was up. Envoy, C-core
   * and grpc-js take the same locality at several priorities. The registered priority, not the
   * level sent, so a locality keeps its name when levels are renumbered; priority 0 has no
   * sub-zone, so a service without standby levels is sent what it always was.
   */
  private static Locality locality(String zone, int registeredPriority) {
    Locality.Builder locality = Locality.newBuilder().setZone(zone);
    if (registeredPriority != 0) {
      locality.setSubZone(XdsNames.prioritySubZone(registeredPriority));
    }
    return locality.build();
  }

  /**
   * grpc-java drops a locality without load_balancing_weight; Envoy without locality-weighted LB
   * ignores it. The zone's weight is the sum of its endpoints' weights so both clients spread
   * traffic alike.
   */
  private static LocalityLbEndpoints locality(
      int priority, Locality locality, List<Endpoint> members) {
    long zoneWeight = members.stream().mapToLong(Endpoint::weight).sum();
    LocalityLbEndpoints.Builder endpoints =
        LocalityLbEndpoints.newBuilder()
            .setLocality(locality)
            .setLoadBalancingWeight(localityWeight(zoneWeight))
            .setPriority(priority);
    for (Endpoint e : members) {
      endpoints.addLbEndpoints(
          LbEndpoint.newBuilder()
              .setEndpoint(
                  io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                      .setAddress(socketAddress(e.address(), e.port())))
              .setLoadBalancingWeight(uint32(e.weight())));
    }
    return endpoints.build();
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

  /**
   * The endpoints of a sticky split: every side's, in one locality, each weighted so that a side
   * holds its split weight's share of the total and, within the side, its endpoints keep their own
   * proportions. One locality and explicit endpoint weights, because ring hash places endpoints on
   * the ring by endpoint weight (gRPC multiplies in the locality weight, Envoy ignores it), so one
   * locality of weight 1 gives every client the same ring. Sides are listed in the split's order
   * and endpoints in address order, so every client builds its ring from the same list.
   *
   * <p>Of each side only the endpoints at its lowest registered priority are on the ring; its
   * standby levels are left out. Priorities in this cluster would fail over the wrong way: a
   * client picks the cluster's lowest level with healthy endpoints first and hashes only within
   * it, so with both sides' priority 0 in level 0, a side whose priority-0 endpoints all fail
   * loses its keys to the other side's priority 0 long before its own standby gets any, and a
   * side registered only at priority 1 would get no keys at all while the other side is up. A
   * side's standby endpoints join the ring once its lower levels are deregistered.
   */
  ClusterLoadAssignment splitLoadAssignment(
      StickySplit split, Function<String, List<Endpoint>> endpointsOf) {
    // The locality must be present, if empty: grpc-js-xds NACKs an assignment without one.
    LocalityLbEndpoints.Builder locality =
        LocalityLbEndpoints.newBuilder()
            .setLocality(Locality.getDefaultInstance())
            .setLoadBalancingWeight(uint32(1));
    for (StickySplit.Member side : split.members()) {
      List<Endpoint> endpoints = lowestPriority(endpointsOf.apply(side.service().name())).stream()
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

  private static List<Endpoint> lowestPriority(List<Endpoint> endpoints) {
    int lowest = endpoints.stream().mapToInt(Endpoint::priority).min().orElse(0);
    return endpoints.stream().filter(e -> e.priority() == lowest).toList();
  }
}
