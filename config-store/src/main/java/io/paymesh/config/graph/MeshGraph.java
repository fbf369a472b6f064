package io.paymesh.config.graph;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.InboundMtls;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The mesh as its policy draws it: who may call whom, where the cardholder data environment ends,
 * which external processors are reached, and how each hop is protected. PCI DSS 1.2.3 and 1.2.4
 * ask for a current network and data-flow diagram; this one is derived from the policy the
 * xds-server serves, so it cannot drift from it.
 *
 * <p>An edge is a declared dependency (a caller's sidecar only has clusters for those, so no other
 * call can leave it): to a Service it is mTLS (the caller presents its workload certificate and
 * verifies the callee's SPIFFE ID) and allowed only if an ENFORCE AuthorizationPolicy of the
 * callee admits the caller (deny by default); to a PaymentProcessor it is TLS with the
 * processor's SAN verified; to a RouteTable host it is routing, and the host's edges lead to its
 * routes' targets. A dependency that names nothing in the policy is not drawn (the Gate refuses
 * such a group). A Gateway adds where calls come from outside: its public clients reach the
 * Service whose proxies serve it over HTTPS, with the JWT issuers its RequestAuthentications
 * require.
 */
public record MeshGraph(long revision, List<Node> nodes, List<Edge> edges) {

  public MeshGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  /** Where a node sits: the PCI scope of a Service, outside the mesh, or the routing layer. */
  public enum Zone {
    PUBLIC("Internet"),
    CDE("Cardholder data environment (PCI DSS scope)"),
    CONNECTED("Connected to the CDE (PCI DSS scope)"),
    OUT_OF_SCOPE("Out of PCI DSS scope"),
    EXTERNAL("External payment processors"),
    ROUTING("Route hosts");

    private final String title;

    Zone(String title) {
      this.title = title;
    }

    public String title() {
      return title;
    }
  }

  public enum NodeKind { SERVICE, PAYMENT_PROCESSOR, ROUTE_HOST, PUBLIC_CLIENTS }

  /**
   * @param id unique across kinds ({@code service/checkout}, {@code processor/stripe},
   *     {@code host/payments}, {@code public/public-api})
   * @param detail how the node accepts calls, e.g. {@code mTLS STRICT}
   */
  public record Node(String id, String name, NodeKind kind, Zone zone, String detail) {}

  /** Whether a call along an edge gets through. */
  public enum Access {
    /** An ENFORCE AuthorizationPolicy of the callee admits the caller. */
    ALLOWED,
    /** Only a SHADOW policy admits the caller: denied, and logged as what would be allowed. */
    SHADOW_ONLY,
    /** No policy admits the caller: denied by default. */
    DENIED,
    /** To an external processor: egress the caller declared. */
    EGRESS,
    /** Routing through a RouteTable host; access is decided at the targets. */
    ROUTE,
    /** From the Internet to a gateway's public listeners. */
    PUBLIC
  }

  public enum Transport { MTLS, TLS, NONE }

  public record Edge(String from, String to, Access access, Transport transport, String label) {}

  public static MeshGraph of(PolicySnapshot policy) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    List<Edge> edges = new ArrayList<>();
    for (Service service : policy.services().values()) {
      nodes.put(serviceId(service.name()), serviceNode(policy, service));
    }
    for (PaymentProcessor processor : policy.processors().values()) {
      nodes.put(processorId(processor.name()), new Node(processorId(processor.name()),
          processor.name(), NodeKind.PAYMENT_PROCESSOR, Zone.EXTERNAL,
          "TLS to " + processor.spec().tls().sni()));
    }
    for (Gateway gateway : policy.gateways().values()) {
      String id = publicId(gateway.name());
      String ports = gateway.spec().listeners().stream()
          .map(l -> Integer.toString(l.port())).collect(Collectors.joining(", "));
      nodes.put(id, new Node(id, "clients of " + gateway.name(), NodeKind.PUBLIC_CLIENTS,
          Zone.PUBLIC, "HTTPS on " + ports));
      edges.add(new Edge(id, serviceId(gateway.spec().service()), Access.PUBLIC, Transport.TLS,
          "HTTPS, " + jwtRequirement(policy, gateway.spec().service())));
    }
    Set<String> hostsDrawn = new TreeSet<>();
    for (Service caller : policy.services().values()) {
      for (String dependency : new TreeSet<>(caller.spec().dependencies())) {
        Service callee = policy.services().get(dependency);
        Optional<RouteTable> routes = policy.routeTableForHost(dependency);
        if (callee != null) {
          edges.add(serviceEdge(policy, caller.name(), callee.name(), serviceId(caller.name())));
        } else if (policy.processors().containsKey(dependency)) {
          edges.add(new Edge(serviceId(caller.name()), processorId(dependency), Access.EGRESS,
              Transport.TLS, "TLS, processor SAN verified"));
        } else if (routes.isPresent()) {
          String host = hostId(dependency);
          nodes.putIfAbsent(host, new Node(host, dependency, NodeKind.ROUTE_HOST, Zone.ROUTING,
              "RouteTable " + routes.get().name()));
          edges.add(new Edge(serviceId(caller.name()), host, Access.ROUTE, Transport.NONE,
              "calls by host"));
          if (hostsDrawn.add(dependency)) {
            edges.addAll(routeEdges(policy, routes.get(), host));
          }
        }
      }
    }
    return new MeshGraph(policy.revision(), List.copyOf(nodes.values()), edges);
  }

  private static String jwtRequirement(PolicySnapshot policy, String service) {
    List<String> issuers = policy.requestAuthenticationsFor(service).stream()
        .flatMap(r -> r.spec().issuers().stream())
        .map(RequestAuthentication.JwtIssuer::issuer)
        .toList();
    return issuers.isEmpty() ? "no JWT required" : "JWT from " + String.join(", ", issuers);
  }

  private static Node serviceNode(PolicySnapshot policy, Service service) {
    MtlsMode mode = InboundMtls.modeOf(service, policy.peerAuthenticationsFor(service.name()));
    String detail = mode == MtlsMode.STRICT
        ? "mTLS STRICT" : "mTLS PERMISSIVE: also accepts plaintext";
    return new Node(serviceId(service.name()), service.name(), NodeKind.SERVICE,
        zoneOf(service.spec().pciScope()), detail);
  }

  private static Zone zoneOf(PciScope scope) {
    return switch (scope) {
      case CDE -> Zone.CDE;
      case CONNECTED -> Zone.CONNECTED;
      case NONE -> Zone.OUT_OF_SCOPE;
    };
  }

  /** A call from a caller to a Service: mTLS, and what the callee's policies say about it. */
  private static Edge serviceEdge(
      PolicySnapshot policy, String caller, String callee, String fromId) {
    List<String> enforcing = new ArrayList<>();
    List<String> shadow = new ArrayList<>();
    for (AuthorizationPolicy ap : policy.authorizationPoliciesFor(callee)) {
      for (AuthorizationPolicy.Rule rule : ap.spec().rules()) {
        if (rule.callers().contains(caller)) {
          (ap.spec().mode() == EnforcementMode.ENFORCE ? enforcing : shadow)
              .add(ap.name() + "/" + rule.name());
        }
      }
    }
    String to = serviceId(callee);
    if (!enforcing.isEmpty()) {
      return new Edge(fromId, to, Access.ALLOWED, Transport.MTLS,
          "mTLS, allowed by " + String.join(", ", enforcing));
    }
    if (!shadow.isEmpty()) {
      return new Edge(fromId, to, Access.SHADOW_ONLY, Transport.MTLS,
          "mTLS, denied (SHADOW " + String.join(", ", shadow) + " would allow)");
    }
    return new Edge(fromId, to, Access.DENIED, Transport.MTLS,
        "mTLS, denied: no AuthorizationPolicy admits " + caller);
  }

  /** One edge per target of the host's routes, labelled with the routes that lead there. */
  private static List<Edge> routeEdges(PolicySnapshot policy, RouteTable table, String hostId) {
    Map<String, Set<String>> routesByTarget = new LinkedHashMap<>();
    for (RouteTable.Route route : table.spec().routes()) {
      for (String target : targets(route.destination())) {
        routesByTarget.computeIfAbsent(target, t -> new LinkedHashSet<>()).add(route.name());
      }
    }
    List<Edge> edges = new ArrayList<>();
    routesByTarget.forEach((target, routes) -> {
      String to = policy.services().containsKey(target) ? serviceId(target)
          : policy.processors().containsKey(target) ? processorId(target) : null;
      if (to != null) {
        edges.add(new Edge(hostId, to, Access.ROUTE, Transport.NONE,
            "routes " + String.join(", ", routes)));
      }
    });
    return edges;
  }

  private static List<String> targets(Destination destination) {
    if (destination instanceof Destination.Single single) {
      return List.of(single.target());
    }
    if (destination instanceof Destination.Split split) {
      return split.targets().stream().map(Destination.WeightedTarget::target).toList();
    }
    throw new AssertionError(destination);
  }

  static String serviceId(String name) {
    return "service/" + name;
  }

  static String processorId(String name) {
    return "processor/" + name;
  }

  static String publicId(String name) {
    return "public/" + name;
  }

  static String hostId(String name) {
    return "host/" + name;
  }
}
