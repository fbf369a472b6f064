package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.adsConfigSource;
import static io.paymesh.xds.translate.ProtoValues.socketAddress;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.paymesh.config.model.Service;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a service into LDS listeners. Sidecar: one inbound listener per port (RBAC before the
 * router) and one outbound listener on loopback. Proxyless: one api_listener per dependency host,
 * because grpc-java asks LDS for exactly the host of its {@code xds:///} target.
 */
final class ListenerTranslator {

  List<Listener> listeners(Service service, ProxyForm form, RBAC inboundRbac) {
    List<Listener> listeners = new ArrayList<>();
    switch (form) {
      case SIDECAR -> {
        service.spec().ports().forEach(p -> listeners.add(inbound(p, inboundRbac)));
        listeners.add(outbound());
      }
      case PROXYLESS ->
          service.spec().dependencies().stream()
              .sorted()
              .distinct()
              .forEach(h -> listeners.add(apiListener(h)));
    }
    return listeners;
  }

  Listener inbound(Service.Port port, RBAC rbac) {
    String name = XdsNames.inbound(port.name());
    HttpConnectionManager hcm =
        hcm(XdsNames.INBOUND_STAT_PREFIX + port.name(), name)
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName(XdsNames.RBAC_FILTER)
                    .setTypedConfig(Any.pack(rbac)))
            .addHttpFilters(router())
            .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(socketAddress(XdsNames.ANY_ADDRESS, port.port()))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(networkFilterChain(hcm))
        .build();
  }

  Listener outbound() {
    HttpConnectionManager hcm =
        hcm(XdsNames.OUTBOUND, XdsNames.OUTBOUND).addHttpFilters(router()).build();
    return Listener.newBuilder()
        .setName(XdsNames.OUTBOUND)
        .setAddress(socketAddress(XdsNames.LOOPBACK, XdsNames.OUTBOUND_PORT))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(networkFilterChain(hcm))
        .build();
  }

  Listener apiListener(String host) {
    HttpConnectionManager hcm = hcm(host, host).addHttpFilters(router()).build();
    return Listener.newBuilder()
        .setName(host)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  private static HttpConnectionManager.Builder hcm(String statPrefix, String routeConfigName) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(statPrefix)
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setRds(
            Rds.newBuilder()
                .setRouteConfigName(routeConfigName)
                .setConfigSource(adsConfigSource()));
  }

  private static FilterChain networkFilterChain(HttpConnectionManager hcm) {
    return FilterChain.newBuilder()
        .addFilters(
            Filter.newBuilder()
                .setName(XdsNames.HTTP_CONNECTION_MANAGER)
                .setTypedConfig(Any.pack(hcm)))
        .build();
  }

  private static HttpFilter router() {
    return HttpFilter.newBuilder()
        .setName(XdsNames.ROUTER_FILTER)
        .setTypedConfig(Any.pack(Router.getDefaultInstance()))
        .build();
  }
}
