package io.paymesh.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The translator step of the pipeline: (PolicySnapshot, ProxyGroup) -> the group's Envoy
 * resources (listeners, routes, clusters, endpoints and ADS-served secrets). Pure and
 * deterministic (no I/O, no clock); the Gate checks its output before a push.
 */
public final class GroupTranslator {
  private final ClusterTranslator clusters = new ClusterTranslator();
  private final EndpointTranslator endpoints = new EndpointTranslator();
  private final RouteTranslator routes = new RouteTranslator();
  private final ListenerTranslator listeners = new ListenerTranslator();
  private final RbacFilterTranslator rbac = new RbacFilterTranslator();
  private final MtlsTranslator mtls = new MtlsTranslator();
  private final SecretTranslator secrets = new SecretTranslator();
  private final FaultFilterTranslator faults = new FaultFilterTranslator();

  /** The group's resources, or empty when its service is not in the snapshot. */
  public Optional<GroupResources> translate(PolicySnapshot snapshot, ProxyGroup group) {
    Service service = snapshot.services().get(group.service());
    if (service == null) {
      return Optional.empty();
    }
    List<Cluster> dependencies = dependencyClusters(snapshot, service, group);
    List<StickySplit> splits = stickySplits(snapshot, service, group);
    List<Cluster> clusterList = new ArrayList<>(dependencies);
    splits.forEach(split -> clusterList.add(clusters.splitCluster(split, group.client())));
    List<RouteConfiguration> routeConfigs =
        routes.routeConfigurations(snapshot, service, group.client());
    List<Listener> listenerList =
        listeners.listeners(service, group.form(),
            rbac.rbacFilter(snapshot, service.name(), group.client()),
            mtls.inboundMode(snapshot, service), faults.drillHosts(snapshot, service));
    List<Secret> secretList =
        secrets.secrets(snapshot.services(), snapshot.processors(), service);
    return Optional.of(GroupResources.sorted(
        listenerList, routeConfigs, clusterList,
        loadAssignments(snapshot, dependencies, splits), secretList));
  }

  /**
   * The group's load assignments alone, as {@link #translate} makes them: what an endpoint change
   * alters. Empty when the service is not in the snapshot.
   */
  public Optional<List<ClusterLoadAssignment>> loadAssignments(
      PolicySnapshot snapshot, ProxyGroup group) {
    Service service = snapshot.services().get(group.service());
    if (service == null) {
      return Optional.empty();
    }
    return Optional.of(loadAssignments(snapshot, dependencyClusters(snapshot, service, group),
        stickySplits(snapshot, service, group)));
  }

  private List<Cluster> dependencyClusters(
      PolicySnapshot snapshot, Service service, ProxyGroup group) {
    return clusters.clusters(snapshot.services(), snapshot.processors(), service, group.client());
  }

  private static List<StickySplit> stickySplits(
      PolicySnapshot snapshot, Service service, ProxyGroup group) {
    return group.client().supports(ClientFeature.RING_HASH_LB)
        ? StickySplit.reachableFrom(snapshot, service)
        : List.of();
  }

  /** One per EDS cluster of a dependency, then one per sticky split (its cluster is EDS too). */
  private List<ClusterLoadAssignment> loadAssignments(
      PolicySnapshot snapshot, List<Cluster> dependencyClusters, List<StickySplit> splits) {
    List<ClusterLoadAssignment> out = new ArrayList<>();
    for (Cluster cluster : dependencyClusters) {
      if (cluster.getType() == Cluster.DiscoveryType.EDS) {
        out.add(endpoints.loadAssignment(cluster.getName(),
            snapshot.endpointsOf(cluster.getName())));
      }
    }
    splits.forEach(split -> out.add(endpoints.splitLoadAssignment(split, snapshot::endpointsOf)));
    return out;
  }
}
