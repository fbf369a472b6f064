package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Response caching (Envoy's cache filter) serves READ routes only, and never a response one
 * caller's request could shape. From the output: an HCM lists the cache filter disabled, so it
 * runs only where a route enables it; no virtual host enables it for all its routes; a route that
 * enables it is tagged READ (a write answered from a cache would never reach the backend) and
 * removes from the request every header that says who calls (cookies, and the headers the
 * service's RequestAuthentications set from verified claims), so a shared response cannot be
 * one caller's. Reported as invariant {@code cache}.
 */
final class ResponseCacheCheck implements GateCheck {
  static final String INVARIANT = "cache";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    for (Listener listener : resources.listeners()) {
      for (HttpConnectionManager hcm : XdsWalk.hcms(listener)) {
        for (HttpFilter filter : hcm.getHttpFiltersList()) {
          if (isCacheFilter(filter) && !filter.getDisabled()) {
            out.add(new GateViolation(ResourceNames.listener(listener), INVARIANT,
                "HttpConnectionManager '" + hcm.getStatPrefix() + "' runs the cache filter on"
                    + " every route; it must be disabled there and enabled per READ route"));
          }
        }
      }
    }
    TreeSet<String> callerHeaders = new TreeSet<>();
    callerHeaders.add(XdsNames.COOKIE_HEADER);
    snapshot.requestAuthenticationsFor(group.service()).forEach(ra -> ra.spec().issuers()
        .forEach(i -> i.claimToHeaders().forEach(c -> callerHeaders.add(c.header()))));
    for (RouteConfiguration config : resources.routes()) {
      if (enablesCache(config.getTypedPerFilterConfigMap())) {
        out.add(new GateViolation(ResourceNames.routeConfiguration(config), INVARIANT,
            "enables the cache filter for every route; enable it per READ route"));
      }
      for (VirtualHost vhost : config.getVirtualHostsList()) {
        if (enablesCache(vhost.getTypedPerFilterConfigMap())) {
          out.add(new GateViolation(ResourceNames.routeConfiguration(config), INVARIANT,
              "virtual host '" + vhost.getName() + "' enables the cache filter for every route;"
                  + " enable it per READ route"));
        }
      }
    }
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      if (!enablesCache(ref.route().getTypedPerFilterConfigMap())) {
        continue;
      }
      Optional<String> operation = ref.operation();
      if (!operation.equals(Optional.of(OperationKind.READ.name()))) {
        out.add(new GateViolation(ref.resource(), INVARIANT, "caches the responses of a "
            + operation.orElse("untagged") + " route; only READ routes may be cached"));
      }
      TreeSet<String> kept = new TreeSet<>(callerHeaders);
      ref.route().getRequestHeadersToRemoveList().forEach(kept::remove);
      ref.config().getRequestHeadersToRemoveList().forEach(kept::remove);
      if (!kept.isEmpty()) {
        out.add(new GateViolation(ref.resource(), INVARIANT, "caches responses without removing "
            + String.join(", ", kept) + " from requests: the backend could shape a response"
            + " every caller is then served"));
      }
    }
    return out;
  }

  private static boolean isCacheFilter(HttpFilter filter) {
    return filter.getName().equals(XdsNames.CACHE_FILTER)
        || filter.getTypedConfig().isSameTypeAs(CacheConfig.getDefaultInstance());
  }

  /**
   * Whether a typed_per_filter_config turns the cache on: any entry for it except a
   * {@code FilterConfig} that disables it. One the Gate cannot decode counts as enabling.
   */
  private static boolean enablesCache(Map<String, Any> perFilter) {
    Any config = perFilter.get(XdsNames.CACHE_FILTER);
    if (config == null) {
      return false;
    }
    if (!config.isSameTypeAs(FilterConfig.getDefaultInstance())) {
      return true;
    }
    try {
      return !config.unpackSameTypeAs(FilterConfig.getDefaultInstance()).getDisabled();
    } catch (InvalidProtocolBufferException e) {
      return true;
    }
  }
}
