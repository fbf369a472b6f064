package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Translator output for the example-like policy, and edits that break one thing in it. */
final class GateFixtures {
  static final ProxyGroup SIDECAR = ProxyGroup.sidecar("checkout");
  static final ProxyGroup PROXYLESS = ProxyGroup.proxyless("checkout");

  private GateFixtures() {}

  static GroupResources translate(PolicySnapshot snapshot, ProxyGroup group) {
    return new GroupTranslator().translate(snapshot, group).orElseThrow();
  }

  static GroupResources translate(ProxyGroup group) {
    return translate(PolicyFixtures.snapshot(), group);
  }

  static GroupResources editRoute(
      GroupResources r, String config, String route, UnaryOperator<Route.Builder> edit) {
    return editVirtualHosts(r, config, vhost -> {
      VirtualHost.Builder b = vhost.toBuilder().clearRoutes();
      for (Route rt : vhost.getRoutesList()) {
        b.addRoutes(rt.getName().equals(route) ? edit.apply(rt.toBuilder()).build() : rt);
      }
      return b.build();
    });
  }

  static GroupResources editVirtualHosts(
      GroupResources r, String config, UnaryOperator<VirtualHost> edit) {
    List<RouteConfiguration> routes = new ArrayList<>();
    for (RouteConfiguration rc : r.routes()) {
      if (!rc.getName().equals(config)) {
        routes.add(rc);
        continue;
      }
      RouteConfiguration.Builder b = rc.toBuilder().clearVirtualHosts();
      rc.getVirtualHostsList().forEach(v -> b.addVirtualHosts(edit.apply(v)));
      routes.add(b.build());
    }
    return new GroupResources(r.listeners(), routes, r.clusters(), r.endpoints(), r.secrets());
  }

  static GroupResources editLoadAssignment(
      GroupResources r, String name, UnaryOperator<ClusterLoadAssignment.Builder> edit) {
    List<ClusterLoadAssignment> endpoints = r.endpoints().stream()
        .map(e -> e.getClusterName().equals(name) ? edit.apply(e.toBuilder()).build() : e)
        .toList();
    return new GroupResources(r.listeners(), r.routes(), r.clusters(), endpoints, r.secrets());
  }

  static GroupResources editCluster(
      GroupResources r, String name, UnaryOperator<Cluster.Builder> edit) {
    List<Cluster> clusters = r.clusters().stream()
        .map(c -> c.getName().equals(name) ? edit.apply(c.toBuilder()).build() : c)
        .toList();
    return new GroupResources(r.listeners(), r.routes(), clusters, r.endpoints(), r.secrets());
  }

  static GroupResources editListener(
      GroupResources r, String name, UnaryOperator<Listener.Builder> edit) {
    List<Listener> listeners = r.listeners().stream()
        .map(l -> l.getName().equals(name) ? edit.apply(l.toBuilder()).build() : l)
        .toList();
    return new GroupResources(listeners, r.routes(), r.clusters(), r.endpoints(), r.secrets());
  }

  /** Rewrites the HCM of the listener's first filter chain. */
  static GroupResources editHcm(
      GroupResources r, String listener, UnaryOperator<HttpConnectionManager.Builder> edit) {
    return editListener(r, listener, l -> {
      try {
        HttpConnectionManager hcm = l.getFilterChains(0).getFilters(0).getTypedConfig()
            .unpack(HttpConnectionManager.class);
        l.getFilterChainsBuilder(0).getFiltersBuilder(0)
            .setTypedConfig(com.google.protobuf.Any.pack(edit.apply(hcm.toBuilder()).build()));
        return l;
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /** Rewrites the DownstreamTlsContext of one filter chain of a listener. */
  static GroupResources editDownstreamTls(GroupResources r, String listener, int chain,
      UnaryOperator<DownstreamTlsContext.Builder> edit) {
    return editListener(r, listener, l -> {
      FilterChain.Builder fc = l.getFilterChainsBuilder(chain);
      fc.getTransportSocketBuilder().setTypedConfig(Any.pack(
          edit.apply(unpack(fc.getTransportSocket().getTypedConfig(),
              DownstreamTlsContext.class).toBuilder()).build()));
      return l;
    });
  }

  /** Rewrites the UpstreamTlsContext of a cluster. */
  static GroupResources editUpstreamTls(GroupResources r, String cluster,
      UnaryOperator<UpstreamTlsContext.Builder> edit) {
    return editCluster(r, cluster, c -> {
      c.getTransportSocketBuilder().setTypedConfig(Any.pack(
          edit.apply(unpack(c.getTransportSocket().getTypedConfig(),
              UpstreamTlsContext.class).toBuilder()).build()));
      return c;
    });
  }

  static GroupResources withSecrets(GroupResources r, List<Secret> secrets) {
    return new GroupResources(r.listeners(), r.routes(), r.clusters(), r.endpoints(), secrets);
  }

  private static <T extends com.google.protobuf.Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static GroupResources withClusters(GroupResources r, List<Cluster> clusters) {
    return new GroupResources(r.listeners(), r.routes(), clusters, r.endpoints(), r.secrets());
  }
}
