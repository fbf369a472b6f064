package io.paymesh.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The Envoy resources of one proxy group, output of the translator and input of the Gate. The
 * factory sorts each list by resource name so equal policy always yields equal (and equally
 * hashed) resources.
 *
 * @param secrets the SDS secrets served over ADS (file-based SDS secrets are not resources of the
 *     group: the proxy reads them from the workload's disk)
 */
public record GroupResources(
    List<Listener> listeners,
    List<RouteConfiguration> routes,
    List<Cluster> clusters,
    List<ClusterLoadAssignment> endpoints,
    List<Secret> secrets) {

  public GroupResources {
    listeners = List.copyOf(listeners);
    routes = List.copyOf(routes);
    clusters = List.copyOf(clusters);
    endpoints = List.copyOf(endpoints);
    secrets = List.copyOf(secrets);
  }

  /** No resources at all: what a proxy of a service removed from the policy is sent. */
  public static GroupResources empty() {
    return new GroupResources(List.of(), List.of(), List.of(), List.of(), List.of());
  }

  /**
   * The same resources with each load assignment reduced to its cluster name: what the Gate's
   * checks of everything but endpoint content see (see {@code GateCheck}).
   */
  public GroupResources withLoadAssignmentNamesOnly() {
    List<ClusterLoadAssignment> names = endpoints.stream()
        .map(cla -> ClusterLoadAssignment.newBuilder().setClusterName(cla.getClusterName()).build())
        .toList();
    return new GroupResources(listeners, routes, clusters, names, secrets);
  }

  /** The same resources with other load assignments (sorted by cluster name). */
  public GroupResources withLoadAssignments(List<ClusterLoadAssignment> assignments) {
    return new GroupResources(listeners, routes, clusters,
        sortBy(assignments, ClusterLoadAssignment::getClusterName), secrets);
  }

  /** Builds the record with every list sorted by resource name. */
  public static GroupResources sorted(
      List<Listener> listeners,
      List<RouteConfiguration> routes,
      List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints,
      List<Secret> secrets) {
    return new GroupResources(
        sortBy(listeners, Listener::getName),
        sortBy(routes, RouteConfiguration::getName),
        sortBy(clusters, Cluster::getName),
        sortBy(endpoints, ClusterLoadAssignment::getClusterName),
        sortBy(secrets, Secret::getName));
  }

  private static <T> List<T> sortBy(List<T> items, Function<T, String> name) {
    return items.stream().sorted(Comparator.comparing(name)).toList();
  }
}
