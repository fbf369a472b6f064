package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.Kind;

/** How violations name resources: {@code <Type>/<name>}, with a route or rule where it matters. */
final class ResourceNames {
  private ResourceNames() {}

  static String listener(Listener listener) {
    return "Listener/" + listener.getName();
  }

  static String routeConfiguration(RouteConfiguration config) {
    return "RouteConfiguration/" + config.getName();
  }

  static String route(RouteConfiguration config, String routeName) {
    return routeConfiguration(config) + " route " + routeName;
  }

  static String cluster(String name) {
    return "Cluster/" + name;
  }

  static String cluster(Cluster cluster) {
    return cluster(cluster.getName());
  }

  static String loadAssignment(ClusterLoadAssignment cla) {
    return "ClusterLoadAssignment/" + cla.getClusterName();
  }

  static String secret(Secret secret) {
    return "Secret/" + secret.getName();
  }

  static String policy(Kind kind, String name) {
    return kind.wireName() + "/" + name;
  }
}
