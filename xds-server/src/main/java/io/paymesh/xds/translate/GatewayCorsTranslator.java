package io.paymesh.xds.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.paymesh.config.model.Gateway;
import java.util.Optional;

/**
 * CORS for browser checkouts, per API version: Envoy's cors filter first in the gateway HCM, so a
 * preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from an allowed origin is
 * answered by the gateway before authentication (a browser sends no token with it), and one from
 * any other origin is answered too, without CORS headers, never forwarded. Credentials (cookies)
 * are not allowed: callers authenticate with a bearer token. Only Envoy implements the filter.
 */
final class GatewayCorsTranslator {

  /** The HCM filter, when any version of the gateway allows an origin. */
  Optional<HttpFilter> filter(Gateway gateway) {
    boolean any = gateway.spec().apis().stream()
        .flatMap(a -> a.versions().stream()).anyMatch(v -> v.cors().isPresent());
    if (!any) {
      return Optional.empty();
    }
    return Optional.of(HttpFilter.newBuilder()
        .setName(XdsNames.CORS_FILTER)
        .setTypedConfig(Any.pack(Cors.getDefaultInstance()))
        .build());
  }

  /** A version's {@code CorsPolicy}, for its route's typed_per_filter_config. */
  Optional<Any> perRoute(Gateway.Version version) {
    return version.cors().map(cors -> {
      CorsPolicy.Builder policy = CorsPolicy.newBuilder()
          .setAllowMethods(String.join(",", cors.allowMethods()))
          .setAllowCredentials(BoolValue.of(false))
          .setForwardNotMatchingPreflights(BoolValue.of(false));
      cors.allowOrigins().forEach(o -> policy.addAllowOriginStringMatch(ProtoValues.exact(o)));
      if (!cors.allowHeaders().isEmpty()) {
        policy.setAllowHeaders(String.join(",", cors.allowHeaders()));
      }
      cors.maxAge().ifPresent(d -> policy.setMaxAge(Long.toString(d.toSeconds())));
      return Any.pack(policy.build());
    });
  }
}
