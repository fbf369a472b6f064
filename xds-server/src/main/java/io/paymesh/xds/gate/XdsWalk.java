package io.paymesh.xds.gate;

import com.google.protobuf.Message;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Read-side helpers shared by the checks: walk routes, find HCMs and TLS contexts, read route
 * metadata.
 */
final class XdsWalk {
  private XdsWalk() {}

  /** One route in its configuration and virtual host. */
  record RouteRef(RouteConfiguration config, VirtualHost vhost, Route route) {
    String resource() {
      return ResourceNames.route(config, route.getName());
    }

    /** The route's retry policy, or the virtual host's one it inherits. */
    Optional<RetryPolicy> effectiveRetryPolicy() {
      if (route.getRoute().hasRetryPolicy()) {
        return Optional.of(route.getRoute().getRetryPolicy());
      }
      return vhost.hasRetryPolicy() ? Optional.of(vhost.getRetryPolicy()) : Optional.empty();
    }

    /** The operation kind the translator tagged the route with, if any. */
    Optional<String> operation() {
      var meta = route.getMetadata().getFilterMetadataMap().get(XdsNames.METADATA_NAMESPACE);
      if (meta == null) {
        return Optional.empty();
      }
      Value value = meta.getFieldsMap().get(XdsNames.METADATA_OPERATION);
      return value == null || value.getKindCase() != Value.KindCase.STRING_VALUE
          ? Optional.empty()
          : Optional.of(value.getStringValue());
    }
  }

  /**
   * The Services a sticky split cluster holds, from the metadata the translator writes; empty
   * for any other cluster.
   */
  static List<String> splitTargets(Cluster cluster) {
    var meta = cluster.getMetadata().getFilterMetadataMap().get(XdsNames.METADATA_NAMESPACE);
    Value targets =
        meta == null ? null : meta.getFieldsMap().get(XdsNames.METADATA_SPLIT_TARGETS);
    if (targets == null || targets.getKindCase() != Value.KindCase.LIST_VALUE) {
      return List.of();
    }
    return targets.getListValue().getValuesList().stream()
        .filter(v -> v.getKindCase() == Value.KindCase.STRING_VALUE)
        .map(Value::getStringValue)
        .toList();
  }

  /** The group's clusters by name. */
  static Map<String, Cluster> clustersByName(GroupResources resources) {
    return resources.clusters().stream()
        .collect(Collectors.toMap(Cluster::getName, Function.identity(), (a, b) -> a));
  }

  /** The clusters a route sends to: its cluster, or each of its weighted clusters. */
  static List<String> routeClusters(Route route) {
    if (route.getRoute().hasWeightedClusters()) {
      return route.getRoute().getWeightedClusters().getClustersList().stream()
          .map(c -> c.getName()).toList();
    }
    return route.getRoute().getCluster().isEmpty()
        ? List.of()
        : List.of(route.getRoute().getCluster());
  }

  /**
   * A load assignment as Envoy receives it: an EDS resource of the group, or a cluster's inline
   * {@code load_assignment}.
   *
   * @param resource how violations name what holds it
   * @param path where it sits in that resource: empty, or {@code load_assignment}
   * @param type the discovery type of the clusters that use it
   */
  record Assignment(
      String resource, String path, Cluster.DiscoveryType type, ClusterLoadAssignment cla) {
    /** The path of something inside the assignment, e.g. {@code endpoints[0]}. */
    String at(String inside) {
      return path.isEmpty() ? inside : path + "." + inside;
    }
  }

  /** EDS resources: the load assignments of a group's EDS clusters. */
  static List<Assignment> edsAssignments(List<ClusterLoadAssignment> assignments) {
    return assignments.stream()
        .map(cla -> new Assignment(
            ResourceNames.loadAssignment(cla), "", Cluster.DiscoveryType.EDS, cla))
        .toList();
  }

  /** The clusters' inline {@code load_assignment}s. */
  static List<Assignment> inlineAssignments(GroupResources resources) {
    List<Assignment> out = new ArrayList<>();
    for (Cluster cluster : resources.clusters()) {
      if (cluster.hasLoadAssignment()) {
        out.add(new Assignment(ResourceNames.cluster(cluster), "load_assignment",
            cluster.getType(), cluster.getLoadAssignment()));
      }
    }
    return out;
  }

  static List<RouteRef> routes(GroupResources resources) {
    List<RouteRef> refs = new ArrayList<>();
    for (RouteConfiguration config : resources.routes()) {
      for (VirtualHost vhost : config.getVirtualHostsList()) {
        for (Route route : vhost.getRoutesList()) {
          refs.add(new RouteRef(config, vhost, route));
        }
      }
    }
    return refs;
  }

  /** Every filter chain of a listener, the default one included. */
  static List<FilterChain> filterChains(Listener listener) {
    List<FilterChain> chains = new ArrayList<>(listener.getFilterChainsList());
    if (listener.hasDefaultFilterChain()) {
      chains.add(listener.getDefaultFilterChain());
    }
    return chains;
  }

  /** How violations name a filter chain: by its name, else by its position. */
  static String chainLabel(FilterChain chain, int index) {
    return chain.getName().isEmpty()
        ? "filter chain " + index
        : "filter chain '" + chain.getName() + "'";
  }

  /** The chain's DownstreamTlsContext, when its transport socket is TLS and typed as one. */
  static Optional<DownstreamTlsContext> downstreamTls(FilterChain chain) {
    return chain.hasTransportSocket()
        ? unpackTls(chain.getTransportSocket(), DownstreamTlsContext.getDefaultInstance())
        : Optional.empty();
  }

  /** The cluster's UpstreamTlsContext, when its transport socket is TLS and typed as one. */
  static Optional<UpstreamTlsContext> upstreamTls(Cluster cluster) {
    return cluster.hasTransportSocket()
        ? unpackTls(cluster.getTransportSocket(), UpstreamTlsContext.getDefaultInstance())
        : Optional.empty();
  }

  private static <T extends Message> Optional<T> unpackTls(TransportSocket socket, T type) {
    return socket.getName().equals(XdsNames.TLS_TRANSPORT_SOCKET)
        ? TypedConfigTypes.unpackAs(socket.getTypedConfig(), type)
        : Optional.empty();
  }

  /** Every SDS reference of a TLS context: identity certificates and validation context. */
  static List<SdsSecretConfig> sdsReferences(CommonTlsContext tls) {
    List<SdsSecretConfig> refs = new ArrayList<>(tls.getTlsCertificateSdsSecretConfigsList());
    if (tls.hasValidationContextSdsSecretConfig()) {
      refs.add(tls.getValidationContextSdsSecretConfig());
    }
    if (tls.getCombinedValidationContext().hasValidationContextSdsSecretConfig()) {
      refs.add(tls.getCombinedValidationContext().getValidationContextSdsSecretConfig());
    }
    return refs;
  }

  /**
   * The validation context written in the resource itself ({@code validation_context}, or a
   * combined context's default part), if any; SDS-delivered parts are not visible here.
   */
  static Optional<CertificateValidationContext> inlineValidation(CommonTlsContext tls) {
    if (tls.hasValidationContext()) {
      return Optional.of(tls.getValidationContext());
    }
    if (tls.getCombinedValidationContext().hasDefaultValidationContext()) {
      return Optional.of(tls.getCombinedValidationContext().getDefaultValidationContext());
    }
    return Optional.empty();
  }

  /** The filter as an HCM, when it is named and typed as one. */
  static Optional<HttpConnectionManager> hcm(Filter filter) {
    return filter.getName().equals(XdsNames.HTTP_CONNECTION_MANAGER)
        ? TypedConfigTypes.unpackAs(
            filter.getTypedConfig(), HttpConnectionManager.getDefaultInstance())
        : Optional.empty();
  }

  /** Every HCM of a listener: in its filter chains, or its api_listener (proxyless). */
  static List<HttpConnectionManager> hcms(Listener listener) {
    List<HttpConnectionManager> hcms = new ArrayList<>();
    for (FilterChain chain : filterChains(listener)) {
      chain.getFiltersList().forEach(f -> hcm(f).ifPresent(hcms::add));
    }
    if (listener.hasApiListener()) {
      // One that is not an HCM is reported by the reference check; nothing to walk here.
      TypedConfigTypes.unpackAs(listener.getApiListener().getApiListener(),
          HttpConnectionManager.getDefaultInstance()).ifPresent(hcms::add);
    }
    return hcms;
  }

  /** The retry conditions of a policy that are not "never reached the app" ones, in order. */
  static List<String> unsafeRetryOn(RetryPolicy policy) {
    return Arrays.stream(policy.getRetryOn().split(","))
        .map(String::trim)
        .filter(c -> !c.isEmpty() && !XdsNames.SAFE_RETRY_ON.contains(c))
        .toList();
  }
}
