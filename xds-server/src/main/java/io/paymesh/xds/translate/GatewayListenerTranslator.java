package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.adsConfigSource;
import static io.paymesh.xds.translate.ProtoValues.socketAddress;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.paymesh.config.model.Gateway;
import java.util.List;

/**
 * Translates a Gateway's listeners into public LDS listeners of its Service's Envoy proxies:
 * HTTPS with the operator's certificate (file-based SDS), HTTP/2 and HTTP/1.1, and an HCM set up
 * for the edge: header_mutation and jwt_authn (when the Service has RequestAuthentications), then
 * RBAC, then local_ratelimit (when it has RateLimitPolicies), then the cache (disabled but on
 * cached READ routes, when a version has any), then the router. Invariant 5 holds at the edge too: internet callers have no mesh
 * identity, so RBAC allows only verified tokens, and nothing without a RequestAuthentication.
 */
final class GatewayListenerTranslator {
  private final MtlsTranslator tls = new MtlsTranslator();

  /**
   * @param beforeRbac the filters that authenticate callers (header_mutation, jwt_authn), in order
   * @param rbac who may call: verified tokens of the gateway's issuers
   * @param afterRbac the filters for admitted requests only (local_ratelimit, cache)
   */
  List<Listener> listeners(Gateway gateway, List<HttpFilter> beforeRbac, RBAC rbac,
      List<HttpFilter> afterRbac) {
    return gateway.spec().listeners().stream()
        .map(l -> listener(gateway, l, beforeRbac, rbac, afterRbac)).toList();
  }

  Listener listener(Gateway gateway, Gateway.Listener listener, List<HttpFilter> beforeRbac,
      RBAC rbac, List<HttpFilter> afterRbac) {
    return Listener.newBuilder()
        .setName(XdsNames.gatewayListener(listener.name()))
        .setAddress(socketAddress(XdsNames.ANY_ADDRESS, listener.port()))
        .setTrafficDirection(TrafficDirection.INBOUND)
        .addFilterChains(
            FilterChain.newBuilder()
                .setName(XdsNames.GATEWAY_FILTER_CHAIN)
                .setTransportSocket(MtlsTranslator.tlsTransportSocket(tls.gatewayDownstream()))
                .addFilters(
                    Filter.newBuilder()
                        .setName(XdsNames.HTTP_CONNECTION_MANAGER)
                        .setTypedConfig(Any.pack(hcm(gateway, listener, beforeRbac, rbac, afterRbac)))))
        .build();
  }

  /**
   * The edge HCM. {@code use_remote_address}: the caller's address is the TCP peer, never a
   * client-sent {@code x-forwarded-for}. Paths are normalised and merged before routing, so
   * {@code /v2/../v1/} cannot reach a version the path does not name. Headers with underscores are
   * refused: a backend may read {@code x_paymesh_drill} as the drill header that the gateway strips.
   */
  private static HttpConnectionManager hcm(Gateway gateway, Gateway.Listener listener,
      List<HttpFilter> beforeRbac, RBAC rbac, List<HttpFilter> afterRbac) {
    return HttpConnectionManager.newBuilder()
        .setStatPrefix(XdsNames.GATEWAY_STAT_PREFIX + listener.name())
        .addAccessLog(AccessLogTranslator.stdoutJson(XdsNames.gatewayListener(listener.name())))
        .setCodecType(HttpConnectionManager.CodecType.AUTO)
        .setUseRemoteAddress(BoolValue.of(true))
        .setNormalizePath(BoolValue.of(true))
        .setMergeSlashes(true)
        .setCommonHttpProtocolOptions(
            HttpProtocolOptions.newBuilder()
                .setHeadersWithUnderscoresAction(
                    HttpProtocolOptions.HeadersWithUnderscoresAction.REJECT_REQUEST))
        .setRds(
            Rds.newBuilder()
                .setRouteConfigName(XdsNames.gatewayRoutes(gateway.name()))
                .setConfigSource(adsConfigSource()))
        .addAllHttpFilters(beforeRbac)
        .addHttpFilters(
            HttpFilter.newBuilder()
                .setName(XdsNames.RBAC_FILTER)
                .setTypedConfig(Any.pack(rbac)))
        .addAllHttpFilters(afterRbac)
        .addHttpFilters(ListenerTranslator.router())
        .build();
  }
}
