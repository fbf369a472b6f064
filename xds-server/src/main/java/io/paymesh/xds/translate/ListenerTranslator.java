package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.adsConfigSource;
import static io.paymesh.xds.translate.ProtoValues.socketAddress;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Translates a service into LDS listeners. Sidecar: one mTLS inbound listener per port (RBAC
 * before the router) and one outbound listener on loopback. Proxyless: one api_listener per
 * dependency host, because grpc-java asks LDS for exactly the host of its {@code xds:///} target,
 * and one gRFC A36 server listener per port, for a proxyless server (XdsServerBuilder). Outbound
 * HCMs (the sidecar's outbound listener, api_listeners) list the fault filter before the router
 * when the routes they serve have drills. Sidecar HCMs carry the JSON access log
 * ({@link AccessLogTranslator}); proxyless ones do not (gRPC runs no Envoy access logger).
 */
final class ListenerTranslator {
  // Configs that never vary are one instance each, built and packed once. The TLS inspector sits
  // in the listener itself, and an Any the Gate unpacks keeps its payload: a copy per listener
  // would be unpacked and kept per listener. The router sits in the HCM, packed as bytes.
  private static final HttpFilter ROUTER = HttpFilter.newBuilder()
      .setName(XdsNames.ROUTER_FILTER)
      .setTypedConfig(Any.pack(Router.getDefaultInstance()))
      .build();
  private static final ListenerFilter TLS_INSPECTOR = ListenerFilter.newBuilder()
      .setName(XdsNames.TLS_INSPECTOR_FILTER)
      .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance()))
      .build();

  private final MtlsTranslator mtls = new MtlsTranslator();
  private final FaultFilterTranslator faults = new FaultFilterTranslator();

  /**
   * @param inboundRbac the service's RBAC filter, on every inbound filter chain
   * @param inboundMode the service's resolved PeerAuthentication mode (sidecars only: a proxyless
   *     server cannot inspect TLS, so it is always STRICT)
   * @param drillHosts the dependency hosts with drill routes: the outbound HCMs serving them get
   *     the fault filter (never an inbound one: drills are injected by the caller)
   */
  List<Listener> listeners(
      Service service,
      ProxyForm form,
      RBAC inboundRbac,
      MtlsMode inboundMode,
      Set<String> drillHosts) {
    List<Listener> listeners = new ArrayList<>();
    switch (form) {
      case SIDECAR -> {
        service.spec().ports()
            .forEach(p -> listeners.add(inbound(service, p, inboundRbac, inboundMode)));
        listeners.add(outbound(!drillHosts.isEmpty()));
      }
      case PROXYLESS -> {
        service.spec().dependencies().stream()
            .sorted()
            .distinct()
            .forEach(h -> listeners.add(apiListener(h, drillHosts.contains(h))));
        service.spec().ports().forEach(p -> listeners.add(serverListener(p, inboundRbac)));
      }
    }
    return listeners;
  }

  /**
   * A sidecar's inbound listener. STRICT: one mTLS filter chain. PERMISSIVE (migration): a TLS
   * inspector tells TLS from plaintext, so TLS connections get the same mTLS chain and plaintext
   * ones a second chain; both run RBAC before the router, and since a plaintext caller has no
   * principal, RBAC denies it whatever the policies allow.
   */
  Listener inbound(Service service, Service.Port port, RBAC rbac, MtlsMode mode) {
    String name = XdsNames.inbound(port.name());
    HttpConnectionManager hcm = sidecarInboundHcm(port, rbac);
    FilterChain.Builder mtlsChain =
        networkFilterChain(hcm).toBuilder()
            .setName(XdsNames.MTLS_FILTER_CHAIN)
            .setTransportSocket(
                MtlsTranslator.tlsTransportSocket(mtls.sidecarDownstream(service)));
    Listener.Builder listener =
        Listener.newBuilder()
            .setName(name)
            .setAddress(socketAddress(XdsNames.ANY_ADDRESS, port.port()))
            .setTrafficDirection(TrafficDirection.INBOUND);
    switch (mode) {
      case STRICT -> listener.addFilterChains(mtlsChain);
      case PERMISSIVE ->
          listener
              .addListenerFilters(TLS_INSPECTOR)
              .addFilterChains(
                  mtlsChain.setFilterChainMatch(
                      transportProtocol(XdsNames.TRANSPORT_PROTOCOL_TLS)))
              .addFilterChains(
                  networkFilterChain(hcm).toBuilder()
                      .setName(XdsNames.PLAINTEXT_FILTER_CHAIN)
                      .setFilterChainMatch(transportProtocol(XdsNames.TRANSPORT_PROTOCOL_RAW)));
      default -> throw new AssertionError("unknown mode " + mode);
    }
    return listener.build();
  }

  /**
   * A proxyless gRPC server's listener (gRFC A36), named as XdsServerBuilder asks for it: the app
   * itself listens on {@code port.port()} on every address, as there is no sidecar. Always STRICT:
   * grpc-java refuses listener filters, so it cannot tell plaintext from TLS, and requiring a
   * client certificate is the safe side. Its routes come from {@code inbound|<port>} over RDS.
   */
  Listener serverListener(Service.Port port, RBAC rbac) {
    return Listener.newBuilder()
        .setName(XdsNames.serverListener(port.port()))
        .setAddress(socketAddress(XdsNames.ANY_ADDRESS, port.port()))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(
            networkFilterChain(inboundHcm(port, rbac)).toBuilder()
                .setName(XdsNames.MTLS_FILTER_CHAIN)
                .setTransportSocket(
                    MtlsTranslator.tlsTransportSocket(mtls.proxylessDownstream())))
        .build();
  }

  private static HttpConnectionManager inboundHcm(Service.Port port, RBAC rbac) {
    return inboundHcmBuilder(port, rbac).build();
  }

  /** A sidecar's inbound HCM: the proxyless server's, plus Envoy's access log. */
  private static HttpConnectionManager sidecarInboundHcm(Service.Port port, RBAC rbac) {
    return inboundHcmBuilder(port, rbac)
        .addAccessLog(AccessLogTranslator.stdoutJson(XdsNames.inbound(port.name())))
        .build();
  }

  private static HttpConnectionManager.Builder inboundHcmBuilder(Service.Port port, RBAC rbac) {
    return hcm(XdsNames.INBOUND_STAT_PREFIX + port.name(), XdsNames.inbound(port.name()))
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName(XdsNames.RBAC_FILTER)
                .setTypedConfig(Any.pack(rbac)))
        .addHttpFilters(router());
  }

  private static FilterChainMatch transportProtocol(String protocol) {
    return FilterChainMatch.newBuilder().setTransportProtocol(protocol).build();
  }

  /** The sidecar's outbound listener; one HCM serves every host, so any drill needs the filter. */
  Listener outbound(boolean drills) {
    HttpConnectionManager hcm = outboundFilters(
        hcm(XdsNames.OUTBOUND, XdsNames.OUTBOUND)
            .addAccessLog(AccessLogTranslator.stdoutJson(XdsNames.OUTBOUND)),
        drills);
    return Listener.newBuilder()
        .setName(XdsNames.OUTBOUND)
        .setAddress(socketAddress(XdsNames.LOOPBACK, XdsNames.OUTBOUND_PORT))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(networkFilterChain(hcm))
        .build();
  }

  Listener apiListener(String host, boolean drills) {
    HttpConnectionManager hcm = outboundFilters(hcm(host, host), drills);
    return Listener.newBuilder()
        .setName(host)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }

  /** The fault filter when the routes have drills, then the router, which must come last. */
  private HttpConnectionManager outboundFilters(HttpConnectionManager.Builder hcm, boolean drills) {
    if (drills) {
      hcm.addHttpFilters(faults.httpFilter());
    }
    return hcm.addHttpFilters(router()).build();
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

  /** The router filter, the last of every HCM's chain (sidecar and gateway). */
  static HttpFilter router() {
    return ROUTER;
  }
}
