package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The edge gateway: at most one Gateway per Service; every version backend is a Service the
 * gateway's Service declares as a dependency (never a PaymentProcessor: the edge does not call
 * PSPs), so the gateway stays a mesh client bound by invariant 6; and, on the output, every route
 * configuration a gateway listener serves removes {@code x-paymesh-drill} from requests, so no
 * external caller opts itself into a drill.
 */
final class GatewayCheck implements GateCheck {
  static final String INVARIANT = "gateway";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    if (group.form() != ProxyForm.SIDECAR) {
      return out;
    }
    List<Gateway> gateways = snapshot.gatewaysFor(group.service());
    if (gateways.size() > 1) {
      out.add(new GateViolation(ResourceNames.policy(Kind.SERVICE, group.service()), INVARIANT,
          "named by " + gateways.size() + " Gateways ("
              + gateways.stream().map(Gateway::name).collect(Collectors.joining(", "))
              + "); one Service serves at most one Gateway"));
    }
    Service service = snapshot.services().get(group.service());
    if (service != null) {
      gateways.forEach(g -> checkBackends(snapshot, service, g, out));
    }
    if (!gateways.isEmpty()) {
      Set<String> issuers = new TreeSet<>();
      Set<String> claimHeaders = new TreeSet<>();
      snapshot.requestAuthenticationsFor(group.service()).forEach(ra -> ra.spec().issuers()
          .forEach(i -> {
            issuers.add(i.issuer());
            i.claimToHeaders().forEach(c -> claimHeaders.add(c.header()));
          }));
      gateways.forEach(g -> checkIssuers(g, issuers, group.service(), out));
      checkLimitKeys(snapshot.rateLimitPoliciesFor(group.service()), claimHeaders, out);
    }
    checkDrillHeaderRemoved(resources, out);
    checkNoRouteToJwks(resources, out);
    return out;
  }

  private static void checkIssuers(
      Gateway gateway, Set<String> issuers, String service, List<GateViolation> out) {
    for (Gateway.Api api : gateway.spec().apis()) {
      for (Gateway.Version version : api.versions()) {
        for (String issuer : version.issuers()) {
          if (!issuers.contains(issuer)) {
            out.add(new GateViolation(ResourceNames.policy(Kind.GATEWAY, gateway.name())
                + " version " + XdsNames.gatewayRoute(api.name(), version.name()), INVARIANT,
                "issuer '" + issuer + "' is not an issuer of a RequestAuthentication of service '"
                    + service + "'"));
          }
        }
      }
    }
  }

  /**
   * At the edge the client writes every header but those the gateway sets from a verified claim:
   * a limit keyed by any other header would let a client pick a fresh bucket per request.
   */
  private static void checkLimitKeys(
      List<RateLimitPolicy> policies, Set<String> claimHeaders, List<GateViolation> out) {
    for (RateLimitPolicy policy : policies) {
      for (RateLimitPolicy.RateLimit limit : policy.spec().limits()) {
        if (limit.key() instanceof RateLimitPolicy.Key.Header header
            && !claimHeaders.contains(header.name())) {
          out.add(new GateViolation(ResourceNames.policy(Kind.RATE_LIMIT_POLICY, policy.name())
              + " limit " + limit.name(), INVARIANT, "keyed by header '" + header.name()
              + "', which clients of the gateway choose; key it by a header set from a verified"
              + " claim (claimToHeaders of a RequestAuthentication) or by the caller"));
        }
      }
    }
  }

  /** The JWKS clusters carry the proxy's own key fetches, never a request. */
  private static void checkNoRouteToJwks(GroupResources resources, List<GateViolation> out) {
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      for (String cluster : XdsWalk.routeClusters(ref.route())) {
        if (cluster.startsWith(XdsNames.JWKS_CLUSTER_PREFIX)) {
          out.add(new GateViolation(
              ResourceNames.route(ref.config(), ref.route().getName()), INVARIANT,
              "routes requests to the key-fetch cluster '" + cluster + "'"));
        }
      }
    }
  }

  private static void checkBackends(
      PolicySnapshot snapshot, Service service, Gateway gateway, List<GateViolation> out) {
    for (Gateway.Api api : gateway.spec().apis()) {
      for (Gateway.Version version : api.versions()) {
        if (version.backend().isEmpty()) {
          continue;
        }
        String backend = version.backend().get();
        String resource = ResourceNames.policy(Kind.GATEWAY, gateway.name()) + " version "
            + XdsNames.gatewayRoute(api.name(), version.name());
        if (!snapshot.services().containsKey(backend)) {
          out.add(new GateViolation(resource, INVARIANT, "backend '" + backend
              + "' is not a Service" + (snapshot.processors().containsKey(backend)
                  ? " (a gateway never calls a PaymentProcessor directly)" : "")));
        } else if (!service.spec().dependencies().contains(backend)) {
          out.add(new GateViolation(resource, INVARIANT, "backend '" + backend
              + "' is not a declared dependency of service '" + service.name() + "'"));
        }
      }
    }
  }

  private static void checkDrillHeaderRemoved(GroupResources resources, List<GateViolation> out) {
    Map<String, RouteConfiguration> routes = resources.routes().stream()
        .collect(Collectors.toMap(RouteConfiguration::getName, Function.identity()));
    for (Listener listener : resources.listeners()) {
      if (!listener.getName().startsWith(XdsNames.GATEWAY_PREFIX)) {
        continue;
      }
      for (HttpConnectionManager hcm : XdsWalk.hcms(listener)) {
        RouteConfiguration config = routes.get(hcm.getRds().getRouteConfigName());
        boolean removes = config != null
            && config.getRequestHeadersToRemoveList().contains(XdsNames.DRILL_HEADER);
        if (!removes) {
          out.add(new GateViolation(ResourceNames.listener(listener), INVARIANT,
              "gateway routes do not remove " + XdsNames.DRILL_HEADER
                  + " from requests: an external caller could opt into a drill"));
        }
      }
    }
  }
}
