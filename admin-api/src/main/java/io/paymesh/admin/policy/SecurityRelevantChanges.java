package io.paymesh.admin.policy;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The one definition of a security-relevant change: what needs the security-admin role and a
 * reason, and, when it concerns the cardholder data environment, a second security admin's
 * approval. A change is security-relevant when it
 *
 * <ul>
 *   <li>creates, changes or deletes an AuthorizationPolicy, PeerAuthentication or
 *       RequestAuthentication (who may call a service at all);
 *   <li>creates, changes or deletes a Gateway (public ports into the mesh); it concerns the CDE
 *       when its Service or one of its version backends, before or after, is CDE;
 *   <li>changes an existing Service's {@code identity} (the SPIFFE ID the RBAC of its callees
 *       trusts) or its {@code pciScope} (in or out of the CDE);
 *   <li>gives a Service a dependency it did not have on a CDE service, on a PaymentProcessor, or
 *       on a RouteTable host that routes to a CDE service (a new path to card data);
 *   <li>creates a PaymentProcessor or changes its endpoints or TLS settings (SNI, SANs, CA):
 *       where card data leaves the mesh. Deleting one sends card data nowhere new;
 *   <li>makes a RouteTable route to a PaymentProcessor it did not route to before.
 * </ul>
 *
 * <p>PaymentProcessors always count as CDE: they receive card data. A change concerns the CDE
 * when the services it is about are CDE in the current or in the proposed policy, so moving a
 * service out of the CDE is reviewed like any other CDE change.
 */
public final class SecurityRelevantChanges {

  private SecurityRelevantChanges() {}

  public static List<SecurityChange> of(PolicySnapshot current, PolicySnapshot proposed,
      List<Change> changes) {
    Scope scope = new Scope(current, proposed);
    List<SecurityChange> found = new ArrayList<>();
    for (Change change : changes) {
      Optional<PolicyResource> before = find(current, change.key());
      Optional<PolicyResource> after = change.after();
      if (before.equals(after)) {
        continue;
      }
      switch (change.key().kind()) {
        case SERVICE -> service(scope, change.key(), before.map(Service.class::cast),
            after.map(Service.class::cast), found);
        case PAYMENT_PROCESSOR -> processor(change.key(),
            before.map(PaymentProcessor.class::cast), after.map(PaymentProcessor.class::cast),
            found);
        case AUTHORIZATION_POLICY, PEER_AUTHENTICATION, REQUEST_AUTHENTICATION ->
            found.add(new SecurityChange(change.key(), "spec", operation(before, after)
                + " who may call " + protectedService(before, after),
                scope.cde(protectedServiceName(before, after))));
        case ROUTE_TABLE -> routeTable(scope, change.key(), before.map(RouteTable.class::cast),
            after.map(RouteTable.class::cast), found);
        case GATEWAY -> gateway(scope, change.key(), before.map(Gateway.class::cast),
            after.map(Gateway.class::cast), found);
        case RATE_LIMIT_POLICY -> {
          // Limits decide how much, not who or where: the Gate and the CDE reason rule cover them.
        }
      }
    }
    return found;
  }

  private static void service(Scope scope, ResourceKey key, Optional<Service> before,
      Optional<Service> after, List<SecurityChange> found) {
    if (before.isPresent() && after.isPresent()) {
      String was = before.get().spec().identity();
      String is = after.get().spec().identity();
      if (!Objects.equals(was, is)) {
        SortedSet<String> concerned = scope.cdeTrusting(key.name());
        concerned.addAll(scope.cde(key.name()));
        found.add(new SecurityChange(key, "spec.identity",
            "identity changes from " + was + " to " + is, concerned));
      }
      PciScope wasScope = before.get().spec().pciScope();
      PciScope isScope = after.get().spec().pciScope();
      if (wasScope != isScope) {
        found.add(new SecurityChange(key, "spec.pciScope",
            "pciScope changes from " + wasScope + " to " + isScope, new TreeSet<>(Set.of(key.name()))));
      }
    }
    if (after.isPresent()) {
      Set<String> had = before.map(s -> Set.copyOf(s.spec().dependencies())).orElse(Set.of());
      for (String dependency : after.get().spec().dependencies()) {
        if (had.contains(dependency)) {
          continue;
        }
        SortedSet<String> reached = scope.cdeReachedThrough(dependency);
        if (!reached.isEmpty()) {
          found.add(new SecurityChange(key, "spec.dependencies",
              "new dependency on " + dependency, reached));
        }
      }
    }
  }

  /**
   * A route to a processor it did not route to before sends card data somewhere new. A new route
   * to a CDE service is not listed: the CDE service's own AuthorizationPolicy (a security kind)
   * still decides whether the callers get in.
   */
  private static void routeTable(Scope scope, ResourceKey key, Optional<RouteTable> before,
      Optional<RouteTable> after, List<SecurityChange> found) {
    if (after.isEmpty()) {
      return;
    }
    Set<String> had = before.map(Scope::routeTargets).orElse(Set.of());
    for (String target : Scope.routeTargets(after.get())) {
      if (!had.contains(target) && scope.isProcessor(target)) {
        found.add(new SecurityChange(key, "spec.routes", "routes to PaymentProcessor/" + target
            + ", which it did not before",
            new TreeSet<>(Set.of(new ResourceKey(Kind.PAYMENT_PROCESSOR, target).toString()))));
      }
    }
  }

  /** Any change to what the internet can reach; CDE when a gateway or backend service is. */
  private static void gateway(Scope scope, ResourceKey key, Optional<Gateway> before,
      Optional<Gateway> after, List<SecurityChange> found) {
    SortedSet<String> cde = new TreeSet<>();
    String service = after.or(() -> before).map(g -> g.spec().service()).orElse(null);
    for (Optional<Gateway> version : List.of(before, after)) {
      version.ifPresent(g -> {
        cde.addAll(scope.cde(g.spec().service()));
        for (Gateway.Api api : g.spec().apis()) {
          for (Gateway.Version v : api.versions()) {
            v.backend().ifPresent(b -> cde.addAll(scope.cde(b)));
          }
        }
      });
    }
    found.add(new SecurityChange(key, "spec", operation(before, after)
        + " public listeners and APIs of Service/" + service, cde));
  }

  private static void processor(ResourceKey key, Optional<PaymentProcessor> before,
      Optional<PaymentProcessor> after, List<SecurityChange> found) {
    SortedSet<String> cde = new TreeSet<>(Set.of(key.toString()));
    if (after.isEmpty()) {
      return;  // nothing can reach a deleted processor: no card data goes anywhere new
    }
    if (before.isEmpty()) {
      found.add(new SecurityChange(key, "spec", "creates a destination of card data", cde));
      return;
    }
    PaymentProcessor.Spec was = before.get().spec();
    PaymentProcessor.Spec is = after.get().spec();
    if (!was.endpoints().equals(is.endpoints())) {
      found.add(new SecurityChange(key, "spec.endpoints", "endpoints change", cde));
    }
    if (!Objects.equals(was.tls(), is.tls())) {
      found.add(new SecurityChange(key, "spec.tls", "TLS settings (SNI, SANs, CA) change", cde));
    }
  }

  private static String operation(Optional<?> before, Optional<?> after) {
    if (before.isEmpty()) {
      return "creates";
    }
    return after.isEmpty() ? "deletes" : "changes";
  }

  private static String protectedServiceName(Optional<PolicyResource> before,
      Optional<PolicyResource> after) {
    return after.or(() -> before).map(SecurityRelevantChanges::serviceOf).orElse(null);
  }

  private static String protectedService(Optional<PolicyResource> before,
      Optional<PolicyResource> after) {
    String name = protectedServiceName(before, after);
    return name == null ? "a service" : "Service/" + name;
  }

  private static String serviceOf(PolicyResource resource) {
    if (resource instanceof AuthorizationPolicy p) {
      return p.spec().service();
    } else if (resource instanceof PeerAuthentication p) {
      return p.spec().service();
    } else if (resource instanceof RequestAuthentication p) {
      return p.spec().service();
    }
    throw new AssertionError(resource.kind());
  }

  private static Optional<PolicyResource> find(PolicySnapshot snapshot, ResourceKey key) {
    return Optional.ofNullable(switch (key.kind()) {
      case SERVICE -> snapshot.services().get(key.name());
      case PAYMENT_PROCESSOR -> snapshot.processors().get(key.name());
      case ROUTE_TABLE -> snapshot.routeTables().get(key.name());
      case AUTHORIZATION_POLICY -> snapshot.authorizationPolicies().get(key.name());
      case PEER_AUTHENTICATION -> snapshot.peerAuthentications().get(key.name());
      case REQUEST_AUTHENTICATION -> snapshot.requestAuthentications().get(key.name());
      case RATE_LIMIT_POLICY -> snapshot.rateLimitPolicies().get(key.name());
      case GATEWAY -> snapshot.gateways().get(key.name());
    });
  }

  /** CDE membership as the current and the proposed policy see it, either counting. */
  private record Scope(PolicySnapshot current, PolicySnapshot proposed) {

    /** {@code service} itself if it is CDE in either policy. */
    SortedSet<String> cde(String service) {
      SortedSet<String> cde = new TreeSet<>();
      if (service != null && (isCde(current, service) || isCde(proposed, service))) {
        cde.add(service);
      }
      return cde;
    }

    /** The CDE services whose authorization policies let {@code caller} in. */
    SortedSet<String> cdeTrusting(String caller) {
      SortedSet<String> trusting = new TreeSet<>();
      for (PolicySnapshot snapshot : List.of(current, proposed)) {
        for (AuthorizationPolicy policy : snapshot.authorizationPolicies().values()) {
          boolean namesCaller = policy.spec().rules().stream()
              .anyMatch(rule -> rule.callers().contains(caller));
          if (namesCaller) {
            trusting.addAll(cde(policy.spec().service()));
          }
        }
      }
      return trusting;
    }

    /**
     * The CDE reached by depending on {@code name}: a CDE service, a PaymentProcessor, or the
     * CDE services a RouteTable with that host routes to.
     */
    SortedSet<String> cdeReachedThrough(String name) {
      SortedSet<String> reached = new TreeSet<>(cde(name));
      for (PolicySnapshot snapshot : List.of(current, proposed)) {
        if (snapshot.processors().containsKey(name)) {
          reached.add(new ResourceKey(Kind.PAYMENT_PROCESSOR, name).toString());
        }
        snapshot.routeTableForHost(name).ifPresent(table -> {
          for (String target : routeTargets(table)) {
            reached.addAll(cde(target));
          }
        });
      }
      return reached;
    }

    boolean isProcessor(String name) {
      return current.processors().containsKey(name) || proposed.processors().containsKey(name);
    }

    static Set<String> routeTargets(RouteTable table) {
      Set<String> targets = new TreeSet<>();
      for (RouteTable.Route route : table.spec().routes()) {
        if (route.destination() instanceof Destination.Single single) {
          targets.add(single.target());
        } else if (route.destination() instanceof Destination.Split split) {
          split.targets().forEach(t -> targets.add(t.target()));
        }
      }
      return targets;
    }

    private static boolean isCde(PolicySnapshot snapshot, String service) {
      Service s = snapshot.services().get(service);
      return s != null && s.spec().pciScope() == PciScope.CDE;
    }
  }
}
