package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.PathMatch;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Translates a Gateway's APIs into its route configuration: one virtual host per API, one route
 * per version in order. ACTIVE and DEPRECATED versions forward to their backend's cluster (the
 * gateway calls it as a mesh client, over mTLS); DEPRECATED responses say when the version ends;
 * RETIRED versions are answered by the gateway with 410 and a JSON body. A version's cached READ
 * routes come just before its own route. The drill header is removed from every request, so no
 * external caller can opt into a drill.
 */
final class GatewayRouteTranslator {
  /**
   * RFC 8594 / RFC 9110 IMF-fixdate, e.g. {@code Wed, 30 Jun 2027 00:00:00 GMT}: a two-digit day,
   * which the JDK's RFC_1123_DATE_TIME does not write.
   */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

  /**
   * @param perRoute each version's typed_per_filter_config (authentication), by API and version;
   *     a version's cached READ routes get the same, and the cache filter enabled
   * @param callerHeaders the request headers that say who calls (the claim headers), which a
   *     cached route removes: its response is shared by every caller
   */
  RouteConfiguration routeConfiguration(
      Gateway gateway, BiFunction<Gateway.Api, Gateway.Version, Map<String, Any>> perRoute,
      Set<String> callerHeaders) {
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder()
        .setName(XdsNames.gatewayRoutes(gateway.name()))
        .addRequestHeadersToRemove(XdsNames.DRILL_HEADER);
    for (Gateway.Api api : gateway.spec().apis()) {
      VirtualHost.Builder vhost = VirtualHost.newBuilder().setName(api.name());
      for (String host : api.hosts()) {
        vhost.addDomains(host).addDomains(host + XdsNames.ANY_PORT_SUFFIX);
      }
      for (Gateway.Version version : api.versions()) {
        Map<String, Any> configs = perRoute.apply(api, version);
        if (version.status() != Gateway.Status.RETIRED) {
          // Before the version's own route: the first match wins.
          for (Gateway.CachedRead read : version.cache()) {
            Map<String, Any> cached = new TreeMap<>(configs);
            cached.put(XdsNames.CACHE_FILTER, GatewayCacheTranslator.enableOnRoute());
            vhost.addRoutes(cachedRoute(api, version, read, callerHeaders).toBuilder()
                .putAllTypedPerFilterConfig(cached));
          }
        }
        vhost.addRoutes(route(api, version).toBuilder().putAllTypedPerFilterConfig(configs));
      }
      config.addVirtualHosts(vhost);
    }
    return config.build();
  }

  Route route(Gateway.Api api, Gateway.Version version) {
    Route.Builder route = Route.newBuilder()
        .setName(XdsNames.gatewayRoute(api.name(), version.name()))
        .setMatch(match(version.match()))
        .setStatPrefix(XdsNames.GATEWAY_ROUTE_STAT_PREFIX + api.name() + "." + version.name())
        // Any method may arrive from the internet: held to the strictest retry rule (none here).
        .setMetadata(RouteTranslator.metadata(OperationKind.NON_IDEMPOTENT_WRITE, Optional.empty()));
    switch (version.status()) {
      case ACTIVE -> route.setRoute(forward(version));
      case DEPRECATED -> route.setRoute(forward(version))
          .addResponseHeadersToAdd(header(XdsNames.DEPRECATION_HEADER,
              deprecationValue(version.deprecatedOn().orElseThrow())))
          .addResponseHeadersToAdd(header(XdsNames.SUNSET_HEADER,
              sunsetValue(version.sunset().orElseThrow())));
      case RETIRED -> route
          .setDirectResponse(DirectResponseAction.newBuilder()
              .setStatus(XdsNames.GONE)
              .setBody(DataSource.newBuilder().setInlineString(retiredBody(api, version))))
          .addResponseHeadersToAdd(
              header(XdsNames.CONTENT_TYPE_HEADER, XdsNames.JSON_CONTENT_TYPE));
      default -> throw new AssertionError(version.status());
    }
    return route.build();
  }

  /**
   * A cached READ route: the read's methods on its path (and the version's header, when the
   * version is in a header), tagged READ for the Gate, forwarding like its version. The backend
   * never learns who calls on it: jwt_authn has already removed the token, and the route removes
   * the claim headers and cookies (in the router, after local_ratelimit has read the claims), so
   * no cached response can be one caller's.
   */
  Route cachedRoute(Gateway.Api api, Gateway.Version version, Gateway.CachedRead read,
      Set<String> callerHeaders) {
    RouteMatch.Builder match = RouteMatch.newBuilder();
    if (read.path() instanceof PathMatch.Exact exact) {
      match.setPath(exact.path());
    } else {
      match.setPrefix(((PathMatch.Prefix) read.path()).prefix());
    }
    match.addHeaders(ProtoValues.methodMatcher(read.methods(), ClientFamily.ENVOY));
    if (version.match().in() == ApiVersionMatch.In.HEADER) {
      match.addHeaders(HeaderMatchers.of(ApiVersionMatch.HEADER,
          StringMatcher.newBuilder().setExact(version.match().value()).build(),
          ClientFamily.ENVOY));
    }
    Route.Builder route = Route.newBuilder()
        .setName(XdsNames.gatewayCachedRoute(api.name(), version.name(), read.name()))
        .setMatch(match)
        .setStatPrefix(XdsNames.GATEWAY_ROUTE_STAT_PREFIX + api.name() + "." + version.name()
            + ".cache." + read.name())
        .setMetadata(RouteTranslator.metadata(OperationKind.READ, Optional.empty()))
        .setRoute(forward(version));
    TreeSet<String> removed = new TreeSet<>(callerHeaders);
    removed.add(XdsNames.COOKIE_HEADER);
    route.addAllRequestHeadersToRemove(removed);
    if (version.status() == Gateway.Status.DEPRECATED) {
      route.addResponseHeadersToAdd(header(XdsNames.DEPRECATION_HEADER,
              deprecationValue(version.deprecatedOn().orElseThrow())))
          .addResponseHeadersToAdd(header(XdsNames.SUNSET_HEADER,
              sunsetValue(version.sunset().orElseThrow())));
    }
    return route.build();
  }

  /** No retries: the gateway cannot tell a charge from a read, so none is ever sent twice. */
  private static RouteAction forward(Gateway.Version version) {
    return RouteAction.newBuilder()
        .setCluster(version.backend().orElseThrow())
        .setTimeout(duration(version.timeout().orElseThrow()))
        .build();
  }

  /**
   * A version in the path needs no other condition (the prefix ends with '/', so v2 never
   * matches v20); one in the header matches every path with {@code api-version: <name>} exactly.
   */
  private static RouteMatch match(ApiVersionMatch version) {
    return switch (version.in()) {
      case PATH_PREFIX -> RouteMatch.newBuilder().setPrefix(version.pathPrefix()).build();
      case HEADER -> RouteMatch.newBuilder()
          .setPrefix(XdsNames.ROOT_PREFIX)
          .addHeaders(HeaderMatchers.of(ApiVersionMatch.HEADER,
              StringMatcher.newBuilder().setExact(version.value()).build(), ClientFamily.ENVOY))
          .build();
    };
  }

  /** RFC 9745: a structured-field date, {@code @<seconds since the epoch>}, here at 00:00 UTC. */
  static String deprecationValue(LocalDate day) {
    return "@" + day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  static String sunsetValue(LocalDate day) {
    return HTTP_DATE.format(day.atStartOfDay(ZoneOffset.UTC));
  }

  /** The 410 body; every value in it is a validated name or a date, so nothing needs escaping. */
  static String retiredBody(Gateway.Api api, Gateway.Version version) {
    String day = version.sunset().orElseThrow().toString();
    return "{\"error\":\"api_version_retired\",\"api\":\"" + api.name() + "\",\"version\":\""
        + version.name() + "\",\"retiredOn\":\"" + day + "\",\"message\":\"version "
        + version.name() + " of the " + api.name() + " API was retired on " + day
        + "; use a current version\"}";
  }

  /** Replaces whatever the backend sent under the same name. */
  private static HeaderValueOption header(String name, String value) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(name).setValue(value))
        .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
        .build();
  }
}
