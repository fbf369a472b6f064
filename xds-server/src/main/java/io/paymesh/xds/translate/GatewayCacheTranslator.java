package io.paymesh.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.extensions.filters.http.cache.v3.CacheConfig;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.cache.simple_http_cache.v3.SimpleHttpCacheConfig;
import io.paymesh.config.model.Gateway;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Opt-in response caching at the gateway (Envoy's cache filter, in-memory simple_http_cache): the
 * filter is in the gateway HCM only when a version lists cached READ routes, and there it is
 * disabled by default, so it runs only on the routes that enable it (each cached READ route, with
 * an empty {@code FilterConfig}). It sits after RBAC and local_ratelimit: only admitted requests
 * are answered from the cache, and a cache hit still takes a token. Only Envoy implements it.
 *
 * <p>The filter's {@code allowed_vary_headers} is one list per filter: the union of every cached
 * route's {@code varyOn}. A response is stored only when every header its {@code Vary} names is in
 * the list, and is looked up by those headers' values, so the union never makes a response shared
 * that should vary.
 */
final class GatewayCacheTranslator {

  /** The HCM filter, disabled by default; empty when no version of the gateway caches. */
  Optional<HttpFilter> filter(Gateway gateway) {
    if (!caches(gateway)) {
      return Optional.empty();
    }
    TreeSet<String> vary = new TreeSet<>();
    gateway.spec().apis().forEach(api -> api.versions().forEach(
        v -> v.cache().forEach(read -> vary.addAll(read.varyOn()))));
    CacheConfig.Builder config = CacheConfig.newBuilder()
        .setTypedConfig(Any.pack(SimpleHttpCacheConfig.getDefaultInstance()));
    vary.forEach(h -> config.addAllowedVaryHeaders(ProtoValues.exact(h)));
    return Optional.of(HttpFilter.newBuilder()
        .setName(XdsNames.CACHE_FILTER)
        .setTypedConfig(Any.pack(config.build()))
        .setDisabled(true)
        .build());
  }

  /**
   * A cached route's typed_per_filter_config entry: a {@code FilterConfig} whose {@code config}
   * is set but empty enables a filter the HCM disables by default (the cache filter has no
   * per-route config of its own).
   */
  static Any enableOnRoute() {
    return Any.pack(FilterConfig.newBuilder().setConfig(Any.getDefaultInstance()).build());
  }

  private static boolean caches(Gateway gateway) {
    return gateway.spec().apis().stream().flatMap(a -> a.versions().stream())
        .anyMatch(v -> v.status() != Gateway.Status.RETIRED && !v.cache().isEmpty());
  }
}
