package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drills: a fault is injected only into requests that asked for a drill. Judged on the output
 * alone: the fault filter an HCM lists injects nothing by itself; a fault that injects is set only
 * on a route (or a weighted cluster of one) whose match requires an exact
 * {@code x-paymesh-drill} value, never on a virtual host or route configuration, and it caps its
 * active faults. The route match is what gates a fault for gRPC clients, which ignore the fault's
 * own {@code headers}.
 */
final class FaultDrillCheck implements GateCheck {
  static final String INVARIANT = "drills";

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
          if (fault(filter.getTypedConfig()).filter(FaultDrillCheck::injects).isPresent()) {
            out.add(new GateViolation(ResourceNames.listener(listener), INVARIANT,
                "HttpConnectionManager filter '" + filter.getName() + "' injects faults into"
                    + " every request; a drill's fault belongs on a route that requires the "
                    + XdsNames.DRILL_HEADER + " header"));
          }
        }
      }
    }
    for (RouteConfiguration config : resources.routes()) {
      if (injectsAny(config.getTypedPerFilterConfigMap())) {
        out.add(new GateViolation(ResourceNames.routeConfiguration(config), INVARIANT,
            "fault in the route configuration's typed_per_filter_config reaches every route"));
      }
      for (VirtualHost vhost : config.getVirtualHostsList()) {
        if (injectsAny(vhost.getTypedPerFilterConfigMap())) {
          out.add(new GateViolation(ResourceNames.routeConfiguration(config), INVARIANT,
              "fault in virtual host '" + vhost.getName()
                  + "' typed_per_filter_config reaches every route of it"));
        }
        for (Route route : vhost.getRoutesList()) {
          checkRoute(ResourceNames.route(config, route.getName()), route, out);
        }
      }
    }
    return out;
  }

  private static void checkRoute(String resource, Route route, List<GateViolation> out) {
    List<HTTPFault> faults = new ArrayList<>(injecting(route.getTypedPerFilterConfigMap()));
    for (WeightedCluster.ClusterWeight cluster :
        route.getRoute().getWeightedClusters().getClustersList()) {
      faults.addAll(injecting(cluster.getTypedPerFilterConfigMap()));
    }
    if (faults.isEmpty()) {
      return;
    }
    if (route.getMatch().getHeadersList().stream().noneMatch(FaultDrillCheck::requiresDrill)) {
      out.add(new GateViolation(resource, INVARIANT,
          "route injects faults but its match does not require an exact "
              + XdsNames.DRILL_HEADER + " value, so requests outside a drill could get them"));
    }
    if (faults.stream().anyMatch(f -> !f.hasMaxActiveFaults())) {
      out.add(new GateViolation(resource, INVARIANT,
          "route injects faults without max_active_faults"));
    }
  }

  /** {@code x-paymesh-drill} equal to a non-empty value; the legacy exact_match counts too. */
  private static boolean requiresDrill(HeaderMatcher header) {
    if (!header.getName().equalsIgnoreCase(XdsNames.DRILL_HEADER) || header.getInvertMatch()) {
      return false;
    }
    return switch (header.getHeaderMatchSpecifierCase()) {
      case STRING_MATCH -> header.getStringMatch().getMatchPatternCase()
              == StringMatcher.MatchPatternCase.EXACT
          && !header.getStringMatch().getExact().isEmpty()
          && !header.getStringMatch().getIgnoreCase();
      case EXACT_MATCH -> !header.getExactMatch().isEmpty();
      default -> false;
    };
  }

  private static boolean injectsAny(Map<String, Any> perFilter) {
    return !injecting(perFilter).isEmpty();
  }

  private static List<HTTPFault> injecting(Map<String, Any> perFilter) {
    return perFilter.values().stream()
        .map(FaultDrillCheck::fault)
        .flatMap(Optional::stream)
        .filter(FaultDrillCheck::injects)
        .toList();
  }

  private static boolean injects(HTTPFault fault) {
    return fault.hasDelay() || fault.hasAbort();
  }

  /** The HTTPFault in a typed config, also when wrapped in a route FilterConfig. */
  private static Optional<HTTPFault> fault(Any any) {
    try {
      if (any.isSameTypeAs(FilterConfig.getDefaultInstance())) {
        return fault(any.unpackSameTypeAs(FilterConfig.getDefaultInstance()).getConfig());
      }
      return TypedConfigTypes.unpackAs(any, HTTPFault.getDefaultInstance());
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }
}
