package io.paymesh.xds.translate;

import io.paymesh.config.model.Destination;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A weighted split that must stay sticky per key (invariant 4), as one cluster.
 *
 * <p>Envoy and every gRPC client choose among a route's {@code weighted_clusters} at random for
 * each request: {@code hash_policy} only steers ring-hash load balancing inside one cluster. So a
 * sticky split becomes one EDS cluster holding the endpoints of all its targets, each weighted by
 * its target's share of the split, balanced by RING_HASH on the key header. A key then lands on
 * the same endpoint, hence the same side, for every request; each side receives its weight's share
 * of the keys; and a weight change moves only the keys on the ring arcs that change hands, about
 * the difference in weight (consistent hashing), not a reshuffle. docs/routing.md has the design.
 *
 * <p>Only splits whose targets are all mesh Services become one: a PaymentProcessor's cluster has
 * TLS, DNS resolution and failover of its own that one shared cluster cannot carry, and a ring
 * over two processors would fail a request over from one to the other (invariant 3). A sticky
 * split naming a processor stays {@code weighted_clusters}, which the Gate refuses on any route
 * that is not a READ.
 *
 * @param clusterName {@code split|<route table>|<route>}, unique per route
 * @param header the request header whose value is hashed
 */
public record StickySplit(String clusterName, String header, List<Member> members) {
  /** One side of the split: a Service and its weight (the weights sum to 100). */
  public record Member(Service service, int weight) {}

  public StickySplit {
    members = List.copyOf(members);
  }

  /** The split the route becomes, when it is a sticky split of Services only. */
  static Optional<StickySplit> of(PolicySnapshot snapshot, String table, RouteTable.Route route) {
    if (!(route.destination() instanceof Destination.Split split)
        || split.stickyBy().isEmpty()) {
      return Optional.empty();
    }
    List<Member> members = new ArrayList<>();
    for (Destination.WeightedTarget target : split.targets()) {
      Service service = snapshot.services().get(target.target());
      if (service == null) {
        return Optional.empty();
      }
      members.add(new Member(service, target.weight()));
    }
    return Optional.of(new StickySplit(
        XdsNames.stickySplit(table, route.name()), split.stickyBy().get(), members));
  }

  /**
   * The sticky splits of the RouteTables of {@code caller}'s dependency hosts whose targets the
   * caller may reach: the clusters its routes need. A split with a target outside the caller's
   * dependencies gets no cluster; the Gate reports the route (invariant 6).
   */
  static List<StickySplit> reachableFrom(PolicySnapshot snapshot, Service caller) {
    List<String> dependencies = caller.spec().dependencies();
    List<StickySplit> splits = new ArrayList<>();
    for (String host : dependencies.stream().sorted().distinct().toList()) {
      Optional<RouteTable> table = snapshot.routeTableForHost(host);
      if (table.isEmpty()) {
        continue;
      }
      for (RouteTable.Route route : table.get().spec().routes()) {
        of(snapshot, table.get().name(), route)
            .filter(s -> s.members().stream()
                .allMatch(m -> dependencies.contains(m.service().name())))
            .ifPresent(splits::add);
      }
    }
    return splits;
  }

  /**
   * The side a family without ring hash sends the whole split to: the largest weight, the first
   * listed on a tie. Every request of a key then reaches that one side, which keeps the split
   * sticky for that family; its traffic just does not follow the weights.
   */
  public Member primary() {
    Member primary = members.get(0);
    for (Member m : members) {
      if (m.weight() > primary.weight()) {
        primary = m;
      }
    }
    return primary;
  }

  public List<String> targetNames() {
    return members.stream().map(m -> m.service().name()).toList();
  }
}
