package io.paymesh.xds.translate;

import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.PathMatcher;
import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates the AuthorizationPolicies of a service into the RBAC HTTP filter of its inbound
 * listeners. Deny by default: {@code rules} is always present with action ALLOW, so a request no
 * ENFORCE rule allows is rejected; SHADOW rules are only evaluated and logged.
 */
final class RbacFilterTranslator {

  io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC rbacFilter(
      PolicySnapshot snapshot, String service, ClientFamily client) {
    RBAC.Builder enforce = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
    RBAC.Builder shadow = RBAC.newBuilder().setAction(RBAC.Action.ALLOW);
    boolean anyShadow = false;
    // Sorted by name, so policies are inserted in a stable order.
    for (AuthorizationPolicy policy : snapshot.authorizationPoliciesFor(service)) {
      RBAC.Builder target;
      switch (policy.spec().mode()) {
        case ENFORCE -> target = enforce;
        case SHADOW -> {
          target = shadow;
          anyShadow = true;
        }
        default -> throw new AssertionError("unknown mode " + policy.spec().mode());
      }
      for (AuthorizationPolicy.Rule rule : policy.spec().rules()) {
        rbacPolicy(snapshot.services(), rule, client)
            .ifPresent(p -> target.putPolicies(policy.name() + "/" + rule.name(), p));
      }
    }
    io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.Builder filter =
        io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC.newBuilder().setRules(enforce);
    if (anyShadow) {
      filter.setShadowRules(shadow);
    }
    return filter.build();
  }

  /**
   * One rule, or nothing when it could grant nothing: callers that are not known Services are
   * skipped (the Gate reports them), and a rule without callers or requests allows no one.
   */
  private static Optional<Policy> rbacPolicy(
      Map<String, Service> services, AuthorizationPolicy.Rule rule, ClientFamily client) {
    Principal.Set.Builder callers = Principal.Set.newBuilder();
    for (String caller : rule.callers()) {
      Service known = services.get(caller);
      if (known != null) {
        callers.addIds(
            Principal.newBuilder()
                .setAuthenticated(
                    Principal.Authenticated.newBuilder()
                        .setPrincipalName(ProtoValues.exact(known.spec().identity()))));
      }
    }
    Permission.Set.Builder requests = Permission.Set.newBuilder();
    for (AuthorizationPolicy.RequestMatch to : rule.to()) {
      for (PathMatch path : to.paths()) {
        requests.addRules(Permission.newBuilder().setAndRules(request(to.methods(), path, client)));
      }
    }
    if (callers.getIdsCount() == 0 || requests.getRulesCount() == 0) {
      return Optional.empty();
    }
    return Optional.of(
        Policy.newBuilder()
            .addPermissions(Permission.newBuilder().setOrRules(requests))
            .addPrincipals(Principal.newBuilder().setOrIds(callers))
            .build());
  }

  private static Permission.Set request(
      List<String> methods, PathMatch path, ClientFamily client) {
    Permission.Set.Builder all = Permission.Set.newBuilder();
    if (!methods.isEmpty()) {
      HeaderMatcher method = ProtoValues.methodMatcher(methods, client);
      all.addRules(Permission.newBuilder().setHeader(method));
    }
    all.addRules(
        Permission.newBuilder()
            .setUrlPath(PathMatcher.newBuilder().setPath(ProtoValues.pathMatcher(path))));
    return all.build();
  }
}
