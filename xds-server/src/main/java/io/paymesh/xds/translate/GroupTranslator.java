package io.paymesh.xds.translate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import com.google.protobuf.Any;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The translator step of the pipeline: (PolicySnapshot, ProxyGroup) -> the group's Envoy
 * resources (listeners, routes, clusters, endpoints and ADS-served secrets). Pure and
 * deterministic (no I/O, no clock); the Gate checks its output before a push. The Envoy proxies of
 * a Service named by a Gateway get the gateway's listeners and routes instead of a sidecar's.
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
  private final GatewayListenerTranslator gatewayListeners = new GatewayListenerTranslator();
  private final GatewayRouteTranslator gatewayRoutes = new GatewayRouteTranslator();
  private final GatewayAuthTranslator gatewayAuth = new GatewayAuthTranslator();
  private final JwksClusterTranslator jwksClusters = new JwksClusterTranslator();
  private final GatewayRateLimitTranslator gatewayLimits = new GatewayRateLimitTranslator();
  private final GatewayCorsTranslator gatewayCors = new GatewayCorsTranslator();
  private final GatewayCacheTranslator gatewayCache = new GatewayCacheTranslator();

  /** The group's resources, or empty when its service is not in the snapshot. */
  public Optional<GroupResources> translate(PolicySnapshot snapshot, ProxyGroup group) {
    Service service = snapshot.services().get(group.service());
    if (service == null) {
      return Optional.empty();
    }
    Optional<Gateway> gateway = gatewayOf(snapshot, group);
    List<Cluster> dependencies = dependencyClusters(snapshot, service, group);
    List<StickySplit> splits = stickySplits(snapshot, service, group);
    List<Cluster> clusterList = new ArrayList<>(dependencies);
    splits.forEach(split -> clusterList.add(clusters.splitCluster(split, group.client())));
    List<RouteConfiguration> routeConfigs;
    List<Listener> listenerList;
    if (gateway.isPresent()) {
      // The edge: public listeners instead of the sidecar's, no local app behind them, and
      // callers authenticated by the Service's RequestAuthentications.
      List<RequestAuthentication> authentications =
          snapshot.requestAuthenticationsFor(service.name());
      List<GatewayAuthTranslator.Provider> providers = gatewayAuth.providers(authentications);
      List<RateLimitPolicy> limits = snapshot.rateLimitPoliciesFor(service.name());
      routeConfigs = List.of(gatewayRoutes.routeConfiguration(gateway.get(), (api, version) -> {
        // In filter-name order: a map is serialized in insertion order.
        Map<String, Any> perRoute = new TreeMap<>(gatewayAuth.perRoute(api, version, providers));
        gatewayLimits.perRoute(api, version, limits)
            .ifPresent(c -> perRoute.put(XdsNames.LOCAL_RATE_LIMIT_FILTER, c));
        gatewayCors.perRoute(version).ifPresent(c -> perRoute.put(XdsNames.CORS_FILTER, c));
        return perRoute;
      }, gatewayAuth.claimHeaders(providers)));
      // CORS first (preflights carry no token), then authentication.
      List<HttpFilter> beforeRbac = new ArrayList<>();
      gatewayCors.filter(gateway.get()).ifPresent(beforeRbac::add);
      beforeRbac.addAll(gatewayAuth.filtersBeforeRbac(gateway.get(), providers));
      // After RBAC: rate limits, then the cache (only admitted requests are served from it).
      List<HttpFilter> afterRbac = new ArrayList<>();
      gatewayLimits.filter(limits).ifPresent(afterRbac::add);
      gatewayCache.filter(gateway.get()).ifPresent(afterRbac::add);
      listenerList = gatewayListeners.listeners(gateway.get(), beforeRbac,
          gatewayAuth.rbac(providers), afterRbac);
      // Key-fetch clusters resolve by DNS (no load assignment of their own to serve).
      clusterList.addAll(jwksClusters.clusters(authentications));
    } else {
      routeConfigs = routes.routeConfigurations(snapshot, service, group.client());
      listenerList = listeners.listeners(service, group.form(),
          rbac.rbacFilter(snapshot, service.name(), group.client()),
          mtls.inboundMode(snapshot, service), faults.drillHosts(snapshot, service));
    }
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

  /** The clusters of the service's dependencies (and of its own ports' inbound hop). */
  private List<Cluster> dependencyClusters(
      PolicySnapshot snapshot, Service service, ProxyGroup group) {
    boolean gateway = gatewayOf(snapshot, group).isPresent();
    return clusters.clusters(snapshot.services(), snapshot.processors(), service, group.client())
        .stream()
        // A gateway has no local app: no cluster for the inbound hop of the Service's ports.
        .filter(c -> !gateway || !c.getName().startsWith(XdsNames.INBOUND_PREFIX))
        .toList();
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

  /**
   * The Gateway the group's proxies serve: only Envoy proxies serve one (a gRPC library has no
   * public listeners). Of several Gateways naming one service the first by name is translated;
   * the Gate refuses the group while there is more than one.
   */
  private static Optional<Gateway> gatewayOf(PolicySnapshot snapshot, ProxyGroup group) {
    if (group.form() != ProxyForm.SIDECAR) {
      return Optional.empty();
    }
    return snapshot.gatewaysFor(group.service()).stream().findFirst();
  }
}
