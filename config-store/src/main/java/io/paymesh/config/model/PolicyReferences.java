package io.paymesh.config.model;

import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The service names a document is about: the admin API uses them to find writes that touch a CDE
 * service (which need a reason). Only the document itself is read; whether a name exists is the
 * Gate's concern.
 */
public final class PolicyReferences {
  private PolicyReferences() {}

  /**
   * The names a document targets or routes to, sorted: a Service itself; the {@code service} of an
   * AuthorizationPolicy, PeerAuthentication, RequestAuthentication or RateLimitPolicy;
   * the {@code service} and every version backend of a Gateway; the host and
   * every route target of a RouteTable; nothing for a PaymentProcessor (it is no service).
   */
  public static Set<String> servicesNamed(PolicyResource resource) {
    SortedSet<String> names = new TreeSet<>();
    if (resource instanceof Service) {
      add(names, resource.name());
    } else if (resource instanceof PaymentProcessor) {
      // An external PSP: no mesh service behind it.
    } else if (resource instanceof RouteTable) {
      routeTable(names, ((RouteTable) resource).spec());
    } else if (resource instanceof AuthorizationPolicy) {
      AuthorizationPolicy.Spec spec = ((AuthorizationPolicy) resource).spec();
      add(names, spec == null ? null : spec.service());
    } else if (resource instanceof PeerAuthentication) {
      PeerAuthentication.Spec spec = ((PeerAuthentication) resource).spec();
      add(names, spec == null ? null : spec.service());
    } else if (resource instanceof RequestAuthentication) {
      RequestAuthentication.Spec spec = ((RequestAuthentication) resource).spec();
      add(names, spec == null ? null : spec.service());
    } else if (resource instanceof RateLimitPolicy) {
      RateLimitPolicy.Spec spec = ((RateLimitPolicy) resource).spec();
      add(names, spec == null ? null : spec.service());
    } else if (resource instanceof Gateway) {
      gateway(names, ((Gateway) resource).spec());
    } else {
      throw new AssertionError(resource);
    }
    return Collections.unmodifiableSortedSet(names);
  }

  private static void gateway(SortedSet<String> names, Gateway.Spec spec) {
    if (spec == null) {
      return;
    }
    add(names, spec.service());
    for (Gateway.Api api : spec.apis()) {
      for (Gateway.Version version : api.versions()) {
        if (version != null && version.backend() != null) {
          version.backend().ifPresent(b -> add(names, b));
        }
      }
    }
  }

  private static void routeTable(SortedSet<String> names, RouteTable.Spec spec) {
    if (spec == null) {
      return;
    }
    add(names, spec.host());
    for (RouteTable.Route route : spec.routes()) {
      Destination destination = route.destination();
      if (destination instanceof Destination.Single) {
        add(names, ((Destination.Single) destination).target());
      } else if (destination instanceof Destination.Split) {
        ((Destination.Split) destination).targets().forEach(t -> add(names, t.target()));
      } else if (destination != null) {
        throw new AssertionError(destination);
      }
    }
  }

  // Documents are validated before anyone asks, but a missing field must not throw here.
  private static void add(SortedSet<String> names, String name) {
    if (name != null) {
      names.add(name);
    }
  }
}
