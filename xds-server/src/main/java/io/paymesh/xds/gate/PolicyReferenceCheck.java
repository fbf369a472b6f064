package io.paymesh.xds.gate;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * References in the policy of one group resolve: the service's dependencies, the targets of the
 * route tables it uses, the callers of its authorization policies, and no name is both a Service
 * and a PaymentProcessor. Only names the group touches are checked, so one bad document elsewhere
 * does not block this group.
 */
final class PolicyReferenceCheck implements GateCheck {
  static final String INVARIANT = "references";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    String serviceRef = ResourceNames.policy(Kind.SERVICE, group.service());
    Service service = snapshot.services().get(group.service());
    if (service == null) {
      out.add(new GateViolation(serviceRef, INVARIANT, "service does not exist"));
      return out;
    }
    List<String> dependencies = service.spec().dependencies();
    Set<String> touched = new TreeSet<>(dependencies);
    touched.add(service.name());
    for (String dependency : dependencies) {
      boolean known =
          isCluster(snapshot, dependency) || snapshot.routeTableForHost(dependency).isPresent();
      if (!known) {
        out.add(new GateViolation(serviceRef, INVARIANT, "dependency '" + dependency
            + "' is not a Service, PaymentProcessor or RouteTable host"));
      }
    }
    for (String host : new TreeSet<>(dependencies)) {
      Optional<RouteTable> table = snapshot.routeTableForHost(host);
      if (table.isPresent()) {
        checkTargets(snapshot, service, table.get(), touched, out);
      }
    }
    for (AuthorizationPolicy policy : snapshot.authorizationPoliciesFor(service.name())) {
      checkCallers(snapshot, policy, out);
    }
    for (String name : touched) {
      if (snapshot.services().containsKey(name) && snapshot.processors().containsKey(name)) {
        out.add(new GateViolation(ResourceNames.policy(Kind.SERVICE, name), INVARIANT,
            "name is used by both a Service and a PaymentProcessor"));
      }
    }
    return out;
  }

  private static void checkTargets(
      PolicySnapshot snapshot,
      Service service,
      RouteTable table,
      Set<String> touched,
      List<GateViolation> out) {
    for (RouteTable.Route route : table.spec().routes()) {
      String resource =
          ResourceNames.policy(Kind.ROUTE_TABLE, table.name()) + " route " + route.name();
      for (String target : targets(route.destination())) {
        touched.add(target);
        if (!isCluster(snapshot, target)) {
          out.add(new GateViolation(resource, INVARIANT,
              "target '" + target + "' is not a Service or PaymentProcessor"));
        } else if (!service.spec().dependencies().contains(target)) {
          out.add(new GateViolation(resource, INVARIANT,
              "target '" + target + "' is not a declared dependency of service '"
                  + service.name() + "'"));
        }
      }
    }
  }

  private static void checkCallers(
      PolicySnapshot snapshot, AuthorizationPolicy policy, List<GateViolation> out) {
    for (AuthorizationPolicy.Rule rule : policy.spec().rules()) {
      for (String caller : rule.callers()) {
        if (!snapshot.services().containsKey(caller)) {
          out.add(new GateViolation(
              ResourceNames.policy(Kind.AUTHORIZATION_POLICY, policy.name()) + " rule "
                  + rule.name(),
              INVARIANT,
              "caller '" + caller + "' is not a known Service"));
        }
      }
    }
  }

  private static boolean isCluster(PolicySnapshot snapshot, String name) {
    return snapshot.services().containsKey(name) || snapshot.processors().containsKey(name);
  }

  private static List<String> targets(Destination destination) {
    if (destination instanceof Destination.Single single) {
      return List.of(single.target());
    } else if (destination instanceof Destination.Split split) {
      return split.targets().stream().map(Destination.WeightedTarget::target).toList();
    }
    throw new AssertionError("unknown destination " + destination);
  }
}
