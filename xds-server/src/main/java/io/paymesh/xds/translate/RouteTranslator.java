package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;
import static io.paymesh.xds.translate.ProtoValues.uint32;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.NonForwardingAction;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates RouteTables (or a default route) into RDS resources: one virtual host per dependency
 * host, routes with matches, cluster or sticky weighted split, timeout and retry, and a drill twin
 * ahead of each route with a fault. Every route is tagged with its operation kind so the Gate can
 * check the output without the policy.
 */
final class RouteTranslator {
  /** The HTTP method of every gRPC call. */
  private static final String GRPC_METHOD = "POST";

  private final RetryPolicyTranslator retries = new RetryPolicyTranslator();
  private final FaultFilterTranslator faults = new FaultFilterTranslator();

  /**
   * SIDECAR: {@code outbound} with every dependency host plus one {@code inbound|<port>} per port.
   * PROXYLESS: one configuration per dependency host, named like the host (the xds:/// target),
   * plus one {@code inbound|<port>} per port for the proxyless server's listener.
   */
  List<RouteConfiguration> routeConfigurations(
      PolicySnapshot snapshot, Service service, ClientFamily client) {
    List<String> hosts = service.spec().dependencies().stream().sorted().distinct().toList();
    List<RouteConfiguration> configs = new ArrayList<>();
    switch (client.form()) {
      case SIDECAR -> {
        RouteConfiguration.Builder outbound =
            RouteConfiguration.newBuilder().setName(XdsNames.OUTBOUND);
        hosts.forEach(h -> outbound.addVirtualHosts(virtualHost(snapshot, h, client)));
        configs.add(outbound.build());
        service.spec().ports().forEach(p -> configs.add(inboundRoute(p)));
      }
      case PROXYLESS -> {
        hosts.forEach(
            h ->
                configs.add(
                    RouteConfiguration.newBuilder()
                        .setName(h)
                        .addVirtualHosts(virtualHost(snapshot, h, client))
                        .build()));
        service.spec().ports().forEach(p -> configs.add(serverRoute(p)));
      }
    }
    return configs;
  }

  VirtualHost virtualHost(PolicySnapshot snapshot, String host, ClientFamily client) {
    VirtualHost.Builder vhost =
        VirtualHost.newBuilder()
            .setName(host)
            .addDomains(host)
            .addDomains(host + XdsNames.ANY_PORT_SUFFIX);
    Optional<RouteTable> table = snapshot.routeTableForHost(host);
    if (table.isPresent()) {
      for (RouteTable.Route route : table.get().spec().routes()) {
        if (client.form() == ProxyForm.PROXYLESS && !route.match().queryParameters().isEmpty()) {
          // A gRPC call has no query string, so such a route never matches one (grpc-java and
          // C-core skip it, gRFC A28); grpc-js-xds 1.14 ignores the matcher and would send every
          // call down it. Left out, it means the same to all of them.
          continue;
        }
        Route translated = route(route, table.get().name(), client,
            StickySplit.of(snapshot, table.get().name(), route));
        route.fault().ifPresent(fault -> vhost.addRoutes(drillRoute(translated, fault, client)));
        vhost.addRoutes(translated);
      }
    } else {
      vhost.addRoutes(defaultRoute(host, client));
    }
    return vhost.build();
  }

  Route route(RouteTable.Route route, String tableName, ClientFamily client,
      Optional<StickySplit> stickySplit) {
    ProxyForm form = client.form();
    RouteAction.Builder action = RouteAction.newBuilder();
    setTimeout(action, route.timeout(), client);
    Destination destination = route.destination();
    if (destination instanceof Destination.Single single) {
      action.setCluster(single.target());
    } else if (stickySplit.isPresent() && client.supports(ClientFeature.RING_HASH_LB)) {
      action.setCluster(stickySplit.get().clusterName());
      action.addHashPolicy(headerHash(stickySplit.get().header()));
    } else if (stickySplit.isPresent()) {
      // No ring hash (it crashes C-core 1.51): the whole split goes to one side, which is sticky
      // for every key; a random weighted_clusters choice would not be (docs/routing.md).
      action.setCluster(stickySplit.get().primary().service().name());
    } else if (destination instanceof Destination.Split split) {
      // Not sticky: each request picks a side at random (only READ routes may, invariant 4; a
      // sticky split naming a PaymentProcessor ends up here too, and the Gate refuses it).
      WeightedCluster.Builder weighted = WeightedCluster.newBuilder();
      for (Destination.WeightedTarget t : split.targets()) {
        weighted.addClusters(
            WeightedCluster.ClusterWeight.newBuilder()
                .setName(t.target())
                .setWeight(uint32(t.weight())));
      }
      action.setWeightedClusters(weighted);
      split.stickyBy().ifPresent(header -> action.addHashPolicy(headerHash(header)));
    } else {
      throw new AssertionError("unknown destination " + destination);
    }
    retries.retryPolicy(route, form).ifPresent(action::setRetryPolicy);
    Route.Builder translated = Route.newBuilder()
        .setName(route.name())
        .setMatch(match(route.match(), client))
        .setRoute(action)
        .setMetadata(metadata(route.operation(), Optional.of(tableName)));
    statPrefix(translated, client, tableName + "." + route.name());
    return translated.build();
  }

  /**
   * Envoy's per-route stats ({@code vhost.<host>.route.<prefix>.*}), so each payment route has its
   * own dashboard: {@code <route table>.<route>}. Envoy only; gRPC clients keep no such stats.
   */
  private static void statPrefix(Route.Builder route, ClientFamily client, String prefix) {
    if (client.form() == ProxyForm.SIDECAR) {
      route.setStatPrefix(prefix);
    }
  }

  /** Hashing the key header keeps one key on one endpoint of a ring-hash cluster. */
  private static RouteAction.HashPolicy headerHash(String header) {
    return RouteAction.HashPolicy.newBuilder()
        .setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(header))
        .build();
  }

  /**
   * The drill twin of a translated route, placed just before it: the same match plus the drill
   * header, the same action and metadata, and the fault in {@code typed_per_filter_config}. The
   * route match is what keeps requests without the header away from the fault, in Envoy and in
   * gRPC clients alike (grpc-java ignores the fault's own {@code headers}); a request that does
   * not carry the header falls through to the route itself.
   */
  Route drillRoute(Route route, FaultInjection fault, ClientFamily client) {
    HeaderMatcher drillHeader = drillHeader(fault, client);
    Route.Builder twin = route.toBuilder()
        .setName(XdsNames.drillRoute(route.getName()));
    if (!route.getStatPrefix().isEmpty()) {
      // Drill traffic counted apart from the route's real traffic.
      twin.setStatPrefix(route.getStatPrefix() + XdsNames.DRILL_STAT_SUFFIX);
    }
    return twin
        .setMatch(route.getMatch().toBuilder().addHeaders(drillHeader))
        .putTypedPerFilterConfig(
            XdsNames.FAULT_FILTER, faults.perRouteConfig(fault, drillHeader))
        .build();
  }

  /** A dependency without a RouteTable: everything to the cluster of the same name. */
  Route defaultRoute(String host, ClientFamily client) {
    RouteAction.Builder action = RouteAction.newBuilder().setCluster(host);
    setTimeout(action, XdsNames.DEFAULT_ROUTE_TIMEOUT, client);
    Route.Builder route = Route.newBuilder()
        .setName(XdsNames.DEFAULT_ROUTE)
        .setMatch(RouteMatch.newBuilder().setPrefix(XdsNames.ROOT_PREFIX))
        .setRoute(action)
        .setMetadata(metadata(OperationKind.READ, Optional.empty()));
    statPrefix(route, client, host + "." + XdsNames.DEFAULT_ROUTE);
    return route.build();
  }

  /**
   * Envoy enforces {@code timeout}. gRPC clients ignore it and take the call deadline from
   * {@code max_stream_duration} instead (capping the application's own deadline), so proxyless
   * routes carry the same value there too; otherwise a proxyless charge would have no deadline.
   * Not for a family that ends calls before it (C-core 1.51, about 1.9 s early): a call cut short
   * while the server still charges is worse than the application's own deadline alone.
   */
  private static void setTimeout(
      RouteAction.Builder action, Duration timeout, ClientFamily client) {
    action.setTimeout(duration(timeout));
    if (client.form() == ProxyForm.PROXYLESS
        && client.supports(ClientFeature.MAX_STREAM_DURATION)) {
      action.setMaxStreamDuration(
          RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(duration(timeout)));
    }
  }

  /**
   * The sidecar's hop to its own app. The timeout is disabled (0s): the caller's route already
   * bounds the request, and a second, shorter deadline here would cut payments the caller still
   * waits for. Tagged NON_IDEMPOTENT_WRITE because any operation may arrive here, so the Gate
   * holds it to the strictest retry rule (it has no retry policy).
   */
  RouteConfiguration inboundRoute(Service.Port port) {
    String name = XdsNames.inbound(port.name());
    return RouteConfiguration.newBuilder()
        .setName(name)
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName(XdsNames.INBOUND_VIRTUAL_HOST)
                .addDomains(XdsNames.ANY_DOMAIN)
                .addRoutes(
                    Route.newBuilder()
                        .setName(XdsNames.DEFAULT_ROUTE)
                        .setMatch(RouteMatch.newBuilder().setPrefix(XdsNames.ROOT_PREFIX))
                        .setRoute(
                            RouteAction.newBuilder()
                                .setCluster(name)
                                .setTimeout(duration(Duration.ZERO)))
                        .setMetadata(
                            metadata(OperationKind.NON_IDEMPOTENT_WRITE, Optional.empty()))))
        .build();
  }

  /**
   * A proxyless server's routes: every request is handled by the server itself, which is what
   * {@code non_forwarding_action} means to grpc-java (any other action fails the RPC). Tagged
   * NON_IDEMPOTENT_WRITE like the sidecar's inbound route: any operation may arrive, and it has
   * no retry policy.
   */
  RouteConfiguration serverRoute(Service.Port port) {
    return RouteConfiguration.newBuilder()
        .setName(XdsNames.inbound(port.name()))
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName(XdsNames.INBOUND_VIRTUAL_HOST)
                .addDomains(XdsNames.ANY_DOMAIN)
                .addRoutes(
                    Route.newBuilder()
                        .setName(XdsNames.DEFAULT_ROUTE)
                        .setMatch(RouteMatch.newBuilder().setPrefix(XdsNames.ROOT_PREFIX))
                        .setNonForwardingAction(NonForwardingAction.getDefaultInstance())
                        .setMetadata(
                            metadata(OperationKind.NON_IDEMPOTENT_WRITE, Optional.empty()))))
        .build();
  }

  private static RouteMatch match(RouteTable.RouteMatch match, ClientFamily client) {
    RouteMatch.Builder m = RouteMatch.newBuilder();
    PathMatch path = match.path();
    if (path instanceof PathMatch.Exact e) {
      m.setPath(e.path());
    } else if (path instanceof PathMatch.Prefix p) {
      m.setPrefix(p.prefix());
    } else {
      throw new AssertionError("unknown path match " + path);
    }
    if (!match.methods().isEmpty()
        && !(client.form() == ProxyForm.PROXYLESS && allowsGrpc(match))) {
      m.addHeaders(ProtoValues.methodMatcher(match.methods(), client));
    }
    match.headers().forEach(h -> m.addHeaders(header(h, client)));
    match.apiVersion()
        .filter(v -> v.in() == ApiVersionMatch.In.HEADER)
        .ifPresent(v -> m.addHeaders(apiVersionHeader(v, client)));
    match.queryParameters().forEach(q -> m.addQueryParameters(queryParameter(q)));
    return m.build();
  }

  /**
   * grpc-java matches headers against the call's Metadata, which has no {@code :method}: a
   * {@code :method} matcher never matches there. Every gRPC call is a POST, so for proxyless
   * clients a method list including POST is always true and is left out; one without POST keeps
   * its matcher and, as intended, matches no gRPC call.
   */
  private static boolean allowsGrpc(RouteTable.RouteMatch match) {
    return match.methods().contains(GRPC_METHOD);
  }

  private static HeaderMatcher header(HeaderMatch header, ClientFamily client) {
    HeaderMatch.Condition condition = header.condition();
    if (condition instanceof HeaderMatch.Exact e) {
      return HeaderMatchers.of(
          header.name(), StringMatcher.newBuilder().setExact(e.value()).build(), client);
    } else if (condition instanceof HeaderMatch.Prefix p) {
      return HeaderMatchers.of(
          header.name(), StringMatcher.newBuilder().setPrefix(p.value()).build(), client);
    } else if (condition instanceof HeaderMatch.Present) {
      return HeaderMatcher.newBuilder().setName(header.name()).setPresentMatch(true).build();
    }
    throw new AssertionError("unknown header condition " + condition);
  }

  /**
   * A version in the path needs no matcher of its own: validation keeps the route's path under the
   * version's prefix. One in the header is an exact {@code api-version} condition.
   */
  private static HeaderMatcher apiVersionHeader(ApiVersionMatch version, ClientFamily client) {
    return HeaderMatchers.of(
        ApiVersionMatch.HEADER, StringMatcher.newBuilder().setExact(version.value()).build(),
        client);
  }

  /** The request opts into the drill: {@code x-paymesh-drill: <drill>}, exactly. */
  private static HeaderMatcher drillHeader(FaultInjection fault, ClientFamily client) {
    return HeaderMatchers.of(
        XdsNames.DRILL_HEADER, StringMatcher.newBuilder().setExact(fault.drill()).build(), client);
  }

  /**
   * gRPC requests have no query string, and gRPC clients skip a route with query parameter
   * conditions (gRFC A28): for them such a route never matches, which is also what it means.
   */
  private static QueryParameterMatcher queryParameter(QueryParameterMatch parameter) {
    QueryParameterMatcher.Builder matcher =
        QueryParameterMatcher.newBuilder().setName(parameter.name());
    QueryParameterMatch.Condition condition = parameter.condition();
    if (condition instanceof QueryParameterMatch.Exact e) {
      matcher.setStringMatch(StringMatcher.newBuilder().setExact(e.value()));
    } else if (condition instanceof QueryParameterMatch.Prefix p) {
      matcher.setStringMatch(StringMatcher.newBuilder().setPrefix(p.value()));
    } else if (condition instanceof QueryParameterMatch.Present) {
      matcher.setPresentMatch(true);
    } else {
      throw new AssertionError("unknown query parameter condition " + condition);
    }
    return matcher.build();
  }

  static Metadata metadata(OperationKind operation, Optional<String> routeTable) {
    Struct.Builder fields =
        Struct.newBuilder()
            .putFields(
                XdsNames.METADATA_OPERATION,
                Value.newBuilder().setStringValue(operation.name()).build());
    routeTable.ifPresent(
        t ->
            fields.putFields(
                XdsNames.METADATA_ROUTE_TABLE, Value.newBuilder().setStringValue(t).build()));
    return Metadata.newBuilder()
        .putFilterMetadata(XdsNames.METADATA_NAMESPACE, fields.build())
        .build();
  }
}
