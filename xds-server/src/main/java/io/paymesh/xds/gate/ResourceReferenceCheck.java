package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * References inside the output resolve, as an xDS client would need them to: every RDS name a
 * listener uses exists, every route cluster exists, every EDS cluster has a load assignment,
 * every SDS secret a cluster or listener fetches over ADS is in the group, and names are unique
 * per type. A dangling name would leave Envoy warming forever. Secrets read from the workload's
 * files (file-based SDS) are not ADS references and are not looked up here.
 */
final class ResourceReferenceCheck implements GateCheck {
  static final String INVARIANT = "references";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    unique(resources.listeners(), Listener::getName, "Listener", out);
    unique(resources.routes(), RouteConfiguration::getName, "RouteConfiguration", out);
    unique(resources.clusters(), Cluster::getName, "Cluster", out);
    unique(resources.endpoints(), ClusterLoadAssignment::getClusterName,
        "ClusterLoadAssignment", out);
    unique(resources.secrets(), Secret::getName, "Secret", out);

    Set<String> routeNames = names(resources.routes(), RouteConfiguration::getName);
    Set<String> secretNames = names(resources.secrets(), Secret::getName);
    for (Listener listener : resources.listeners()) {
      checkListener(listener, routeNames, out);
      List<FilterChain> chains = XdsWalk.filterChains(listener);
      for (int i = 0; i < chains.size(); i++) {
        String where = XdsWalk.chainLabel(chains.get(i), i) + ": ";
        XdsWalk.downstreamTls(chains.get(i)).ifPresent(tls -> checkSecrets(
            ResourceNames.listener(listener), where, tls.getCommonTlsContext(), secretNames,
            out));
      }
    }
    for (Cluster cluster : resources.clusters()) {
      XdsWalk.upstreamTls(cluster).ifPresent(tls -> checkSecrets(
          ResourceNames.cluster(cluster), "", tls.getCommonTlsContext(), secretNames, out));
    }
    Set<String> clusterNames = names(resources.clusters(), Cluster::getName);
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      for (String cluster : clusters(ref.route().getRoute())) {
        if (!clusterNames.contains(cluster)) {
          out.add(new GateViolation(ref.resource(), INVARIANT,
              "cluster '" + cluster + "' does not exist"));
        }
      }
    }
    Set<String> assignments =
        names(resources.endpoints(), ClusterLoadAssignment::getClusterName);
    for (Cluster cluster : resources.clusters()) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS) {
        String edsName = cluster.getEdsClusterConfig().getServiceName().isEmpty()
            ? cluster.getName()
            : cluster.getEdsClusterConfig().getServiceName();
        if (!assignments.contains(edsName)) {
          out.add(new GateViolation(ResourceNames.cluster(cluster), INVARIANT,
              "EDS cluster has no ClusterLoadAssignment '" + edsName + "'"));
        }
      }
    }
    return out;
  }

  private static void checkListener(
      Listener listener, Set<String> routeNames, List<GateViolation> out) {
    String resource = ResourceNames.listener(listener);
    for (FilterChain chain : XdsWalk.filterChains(listener)) {
      for (Filter filter : chain.getFiltersList()) {
        if (filter.getName().equals(XdsNames.HTTP_CONNECTION_MANAGER)
            && XdsWalk.hcm(filter).isEmpty()) {
          out.add(new GateViolation(resource, INVARIANT,
              "filter " + XdsNames.HTTP_CONNECTION_MANAGER
                  + " does not hold an HttpConnectionManager"));
        }
      }
    }
    if (listener.hasApiListener()
        && !listener.getApiListener().getApiListener()
            .isSameTypeAs(HttpConnectionManager.getDefaultInstance())) {
      out.add(new GateViolation(resource, INVARIANT,
          "api_listener does not hold an HttpConnectionManager"));
    }
    for (HttpConnectionManager hcm : XdsWalk.hcms(listener)) {
      if (!hcm.hasRds()) {
        // Inline route configurations would escape the route checks of the Gate.
        out.add(new GateViolation(resource, INVARIANT,
            "HttpConnectionManager must take its routes from RDS"));
      } else if (!routeNames.contains(hcm.getRds().getRouteConfigName())) {
        out.add(new GateViolation(resource, INVARIANT,
            "route configuration '" + hcm.getRds().getRouteConfigName() + "' does not exist"));
      }
    }
  }

  private static void checkSecrets(String resource, String where, CommonTlsContext tls,
      Set<String> secretNames, List<GateViolation> out) {
    for (SdsSecretConfig sds : XdsWalk.sdsReferences(tls)) {
      if (sds.getSdsConfig().hasAds() && !secretNames.contains(sds.getName())) {
        out.add(new GateViolation(resource, INVARIANT,
            where + "SDS secret '" + sds.getName() + "' (over ADS) does not exist"));
      }
    }
  }

  private static List<String> clusters(RouteAction action) {
    if (action.hasWeightedClusters()) {
      return action.getWeightedClusters().getClustersList().stream()
          .map(WeightedCluster.ClusterWeight::getName)
          .toList();
    }
    return action.getCluster().isEmpty() ? List.of() : List.of(action.getCluster());
  }

  private static <T> void unique(
      List<T> items, Function<T, String> name, String type, List<GateViolation> out) {
    Set<String> seen = new HashSet<>();
    Set<String> reported = new HashSet<>();
    for (T item : items) {
      String n = name.apply(item);
      if (!seen.add(n) && reported.add(n)) {
        out.add(new GateViolation(type + "/" + n, INVARIANT, "duplicate " + type + " name"));
      }
    }
  }

  private static <T> Set<String> names(List<T> items, Function<T, String> name) {
    Set<String> names = new HashSet<>();
    items.forEach(i -> names.add(name.apply(i)));
    return names;
  }
}
