package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBACPerRoute;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Payment invariant 5, deny by default: every inbound HCM runs an RBAC filter before the router,
 * whose {@code rules} exist with action ALLOW (so what no policy allows is denied), and no
 * principal anywhere is {@code any}. Listeners not marked OUTBOUND (api listeners aside) count as
 * inbound, so an unmarked listener cannot slip past. A route's own RBAC (RBACPerRoute) is held to
 * the same rules.
 */
final class InboundRbacCheck implements GateCheck {
  static final String INVARIANT = "5";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    for (Listener listener : resources.listeners()) {
      if (listener.hasApiListener()
          || listener.getTrafficDirection() == TrafficDirection.OUTBOUND) {
        continue;
      }
      String resource = ResourceNames.listener(listener);
      List<FilterChain> chains = XdsWalk.filterChains(listener);
      if (chains.isEmpty()) {
        out.add(new GateViolation(resource, INVARIANT, "inbound listener has no filter chain"));
      }
      for (int i = 0; i < chains.size(); i++) {
        List<Filter> filters = chains.get(i).getFiltersList();
        if (filters.stream().noneMatch(f -> XdsWalk.hcm(f).isPresent())) {
          out.add(new GateViolation(resource, INVARIANT,
              "filter chain " + i + " has no HttpConnectionManager to enforce RBAC"));
        }
        for (Filter filter : filters) {
          XdsWalk.hcm(filter).ifPresent(hcm -> checkHcm(resource, hcm, out));
        }
      }
    }
    checkPerRoute(resources, out);
    return out;
  }

  private static void checkHcm(
      String resource, HttpConnectionManager hcm, List<GateViolation> out) {
    List<HttpFilter> filters = hcm.getHttpFiltersList();
    int rbacAt = indexOf(filters, XdsNames.RBAC_FILTER);
    int routerAt = indexOf(filters, XdsNames.ROUTER_FILTER);
    if (rbacAt < 0 || (routerAt >= 0 && rbacAt > routerAt)) {
      out.add(new GateViolation(resource, INVARIANT,
          "HttpConnectionManager has no " + XdsNames.RBAC_FILTER + " filter before "
              + XdsNames.ROUTER_FILTER));
      return;
    }
    Optional<RBAC> rbac = unpack(filters.get(rbacAt));
    if (rbac.isEmpty()) {
      out.add(new GateViolation(resource, INVARIANT,
          XdsNames.RBAC_FILTER + " filter does not hold an RBAC config"));
      return;
    }
    checkRbac(resource, rbac.get(), out);
  }

  /**
   * A route's own RBAC ({@code RBACPerRoute} in typed_per_filter_config, as the gateway gives a
   * version with scopes) replaces the HCM's for that route, so it is held to the same rules, and
   * one without an RBAC config, which would switch RBAC off for the route, is refused.
   */
  private static void checkPerRoute(GroupResources resources, List<GateViolation> out) {
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      Any config = ref.route().getTypedPerFilterConfigMap().get(XdsNames.RBAC_FILTER);
      if (config == null) {
        continue;
      }
      String resource = ResourceNames.route(ref.config(), ref.route().getName());
      try {
        RBACPerRoute perRoute = config.isSameTypeAs(RBACPerRoute.getDefaultInstance())
            ? config.unpackSameTypeAs(RBACPerRoute.getDefaultInstance()) : null;
        if (perRoute == null || !perRoute.hasRbac()) {
          out.add(new GateViolation(resource, INVARIANT, "route's " + XdsNames.RBAC_FILTER
              + " config holds no RBAC, so RBAC is off for the route"));
        } else {
          checkRbac(resource, perRoute.getRbac(), out);
        }
      } catch (InvalidProtocolBufferException e) {
        out.add(new GateViolation(resource, INVARIANT, "route's " + XdsNames.RBAC_FILTER
            + " config does not parse"));
      }
    }
  }

  private static void checkRbac(String resource, RBAC rbac, List<GateViolation> out) {
    if (!rbac.hasRules()) {
      out.add(new GateViolation(resource, INVARIANT,
          "RBAC filter has no rules, so it denies nothing"));
    } else if (rbac.getRules().getAction()
        != io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW) {
      out.add(new GateViolation(resource, INVARIANT,
          "RBAC rules action is " + rbac.getRules().getAction() + ", expected ALLOW"));
    }
    anyPrincipals(resource, "rules", rbac.getRules().getPoliciesMap(), out);
    anyPrincipals(resource, "shadow_rules", rbac.getShadowRules().getPoliciesMap(), out);
  }

  private static void anyPrincipals(
      String resource, String field, Map<String, Policy> policies, List<GateViolation> out) {
    policies.keySet().stream().sorted().forEach(name -> {
      boolean any = policies.get(name).getPrincipalsList().stream()
          .anyMatch(InboundRbacCheck::containsAny);
      if (any) {
        out.add(new GateViolation(resource, INVARIANT,
            "RBAC " + field + " policy '" + name + "' allows principal any"));
      }
    });
  }

  private static boolean containsAny(Principal principal) {
    switch (principal.getIdentifierCase()) {
      case ANY:
        return principal.getAny();
      case AND_IDS:
        return principal.getAndIds().getIdsList().stream().anyMatch(InboundRbacCheck::containsAny);
      case OR_IDS:
        return principal.getOrIds().getIdsList().stream().anyMatch(InboundRbacCheck::containsAny);
      case NOT_ID:
        return containsAny(principal.getNotId());
      default:
        return false;
    }
  }

  private static int indexOf(List<HttpFilter> filters, String name) {
    for (int i = 0; i < filters.size(); i++) {
      if (filters.get(i).getName().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static Optional<RBAC> unpack(HttpFilter filter) {
    return TypedConfigTypes.unpackAs(filter.getTypedConfig(), RBAC.getDefaultInstance());
  }
}
