package io.paymesh.xds.bench;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.OutlierDetection;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.PolicyValidator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A synthetic but valid payment mesh of N services, the input of the benchmarks. Services come in
 * pairs (a service and its canary partner); each service has a RouteTable for its own host whose
 * write route splits 90/10 over the pair, an AuthorizationPolicy that admits exactly the services
 * that depend on it, 3 endpoints in 2 zones, and 3-5 dependencies: one or two pairs and possibly
 * one of {@link #PROCESSORS} PaymentProcessors. Every document is checked by PolicyValidator.
 */
public record SyntheticPolicy(int serviceCount, List<PolicyResource> resources,
    List<Endpoint> endpoints) {
  /** Pairs must not overlap with a service's own pair, hence at least three pairs. */
  public static final int MIN_SERVICES = 6;
  public static final int PROCESSORS = 3;
  public static final int ENDPOINTS_PER_SERVICE = 3;
  public static final int ROUTES_PER_TABLE = 5;
  /** The route whose timeout {@link #withChangedRouteTable()} changes. */
  public static final String CHANGED_ROUTE = "default";

  private static final String TRUST_DOMAIN = "spiffe://paymesh.local/ns/bench/sa/";
  private static final String STICKY_HEADER = "x-merchant-id";
  private static final List<String> ZONES = List.of("zone-a", "zone-b");
  private static final PolicyValidator VALIDATOR = new PolicyValidator();

  public SyntheticPolicy {
    resources = List.copyOf(resources);
    endpoints = List.copyOf(endpoints);
  }

  /** The mesh of {@code serviceCount} services (even, at least {@link #MIN_SERVICES}). */
  public static SyntheticPolicy generate(int serviceCount) {
    if (serviceCount < MIN_SERVICES || serviceCount % 2 != 0) {
      throw new IllegalArgumentException(
          "service count must be even and at least " + MIN_SERVICES + ": " + serviceCount);
    }
    Map<Integer, List<String>> dependencies = new TreeMap<>();
    Map<String, TreeSet<String>> callers = new TreeMap<>();
    for (int i = 0; i < serviceCount; i++) {
      List<String> deps = dependenciesOf(i, serviceCount);
      dependencies.put(i, deps);
      for (String dep : deps) {
        callers.computeIfAbsent(dep, d -> new TreeSet<>()).add(serviceName(i));
      }
    }
    List<PolicyResource> resources = new ArrayList<>();
    List<Endpoint> endpoints = new ArrayList<>();
    for (int p = 0; p < PROCESSORS; p++) {
      resources.add(processor(p));
    }
    for (int i = 0; i < serviceCount; i++) {
      String name = serviceName(i);
      resources.add(service(i, dependencies.get(i)));
      resources.add(routeTable(i, Duration.ofSeconds(1)));
      resources.add(authorizationPolicy(i, List.copyOf(callers.get(name))));
      for (int k = 0; k < ENDPOINTS_PER_SERVICE; k++) {
        endpoints.add(new Endpoint(name, name + "-" + k,
            "10." + (i / 250) + "." + (i % 250) + "." + (k + 1), 9090,
            ZONES.get(k % ZONES.size()), 1 + k % 2));
      }
    }
    return validated(new SyntheticPolicy(serviceCount, resources, endpoints));
  }

  /**
   * The same mesh with one RouteTable changed (the {@link #CHANGED_ROUTE} timeout of service 0's
   * table, 1s to 2s): the smallest realistic policy change, seen only by that host's callers.
   */
  public SyntheticPolicy withChangedRouteTable() {
    RouteTable changed = routeTable(0, Duration.ofSeconds(2));
    List<PolicyResource> next = resources.stream()
        .map(r -> r.key().equals(changed.key()) ? changed : r)
        .toList();
    return validated(new SyntheticPolicy(serviceCount, next, endpoints));
  }

  /**
   * Service 0's RouteTable with its {@link #CHANGED_ROUTE} timeout set: a change of one document
   * that only that host's callers see (the load tool writes a new timeout per change).
   */
  public static RouteTable firstRouteTable(Duration defaultTimeout) {
    return routeTable(0, defaultTimeout);
  }

  /** Service {@code i}'s RouteTable with its {@link #CHANGED_ROUTE} timeout set. */
  public static RouteTable routeTableOf(int i, Duration defaultTimeout) {
    return routeTable(i, defaultTimeout);
  }

  /** The policy as the watcher would hand it to the publisher. */
  public PolicySnapshot snapshot(long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision).addAll(resources);
    endpoints.forEach(builder::addEndpoint);
    return builder.build();
  }

  public static String serviceName(int i) {
    return String.format("svc-%04d", i);
  }

  static String processorName(int p) {
    return "psp-" + p;
  }

  /** Dependencies: 3 = one pair + a processor, 4 = two pairs, 5 = two pairs + a processor. */
  private static List<String> dependenciesOf(int i, int serviceCount) {
    int pairs = serviceCount / 2;
    int count = 3 + i % 3;
    int ownPair = i / 2;
    List<String> deps = new ArrayList<>();
    int pairCount = count == 3 ? 1 : 2;
    for (int step = 1; step <= pairCount; step++) {
      int pair = (ownPair + step) % pairs;
      deps.add(serviceName(2 * pair));
      deps.add(serviceName(2 * pair + 1));
    }
    if (count != 4) {
      deps.add(processorName(i % PROCESSORS));
    }
    return deps;
  }

  private static int partner(int i) {
    return i % 2 == 0 ? i + 1 : i - 1;
  }

  private static String apiPrefix(int i) {
    return "/" + serviceName(i) + ".v1.Api/";
  }

  private static Service service(int i, List<String> dependencies) {
    PciScope scope = PciScope.values()[i % PciScope.values().length];
    boolean cde = scope == PciScope.CDE;
    List<Service.Port> ports = i % 4 == 0
        ? List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC),
            new Service.Port("admin", 8080, 8081, Service.Protocol.HTTP))
        : List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC));
    return new Service(serviceName(i), new Service.Spec(ports, TRUST_DOMAIN + serviceName(i),
        scope, dependencies,
        i % 5 == 0 ? LoadBalancing.LEAST_REQUEST : LoadBalancing.ROUND_ROBIN,
        cde ? Optional.of(new CircuitBreakers(1024, 256, 1024, 3))
            : Optional.empty(),
        cde ? Optional.of(new OutlierDetection(5, Duration.ofSeconds(10),
            Duration.ofSeconds(30), 50)) : Optional.empty()));
  }

  private static PaymentProcessor processor(int p) {
    String host = "api." + processorName(p) + ".example";
    return new PaymentProcessor(processorName(p), new PaymentProcessor.Spec(
        List.of(new PaymentProcessor.Endpoint(host, 443, "us-east-1", 0),
            new PaymentProcessor.Endpoint("eu." + host, 443, "eu-west-1", 1)),
        new PaymentProcessor.Tls(host, "psp-ca-bundle", List.of(host)),
        Duration.ofSeconds(2),
        Optional.of(new CircuitBreakers(100, 50, 100, 2)),
        Optional.empty()));
  }

  /** Five routes: a sticky split write, an idempotent write, two reads and a catch-all. */
  private static RouteTable routeTable(int i, Duration defaultTimeout) {
    String self = serviceName(i);
    String prefix = apiPrefix(i);
    List<RouteTable.Route> routes = List.of(
        new RouteTable.Route("create",
            new RouteTable.RouteMatch(new PathMatch.Exact(prefix + "Create"), List.of("POST"),
                List.of(new HeaderMatch(STICKY_HEADER, new HeaderMatch.Present()))),
            new Destination.Split(List.of(new Destination.WeightedTarget(self, 90),
                new Destination.WeightedTarget(serviceName(partner(i)), 10)),
                Optional.of(STICKY_HEADER)),
            OperationKind.NON_IDEMPOTENT_WRITE, Duration.ofSeconds(3),
            Optional.of(new RouteTable.RetryPolicy(
                List.of("connect-failure", "refused-stream"), 1,
                Optional.of(Duration.ofSeconds(1))))),
        new RouteTable.Route("update",
            new RouteTable.RouteMatch(new PathMatch.Prefix(prefix + "Update"), List.of("PUT"),
                List.of()),
            new Destination.Single(self),
            OperationKind.IDEMPOTENT_WRITE, Duration.ofSeconds(2),
            Optional.of(new RouteTable.RetryPolicy(List.of("5xx", "reset"), 2,
                Optional.of(Duration.ofMillis(500))))),
        new RouteTable.Route("get",
            new RouteTable.RouteMatch(new PathMatch.Prefix(prefix + "Get"), List.of("GET"),
                List.of(new HeaderMatch("x-tenant", new HeaderMatch.Prefix("t-")))),
            new Destination.Single(self),
            OperationKind.READ, Duration.ofSeconds(1),
            Optional.of(new RouteTable.RetryPolicy(List.of("unavailable", "5xx"), 2,
                Optional.of(Duration.ofMillis(300))))),
        new RouteTable.Route("list",
            new RouteTable.RouteMatch(new PathMatch.Exact(prefix + "List"), List.of("GET"),
                List.of()),
            new Destination.Single(self),
            OperationKind.READ, Duration.ofSeconds(2), Optional.empty()),
        new RouteTable.Route(CHANGED_ROUTE,
            new RouteTable.RouteMatch(new PathMatch.Prefix("/"), List.of(), List.of()),
            new Destination.Single(self),
            OperationKind.READ, defaultTimeout, Optional.empty()));
    return new RouteTable(self, new RouteTable.Spec(self, routes));
  }

  /** Admits exactly the services that declare this one as a dependency; every tenth shadows. */
  private static AuthorizationPolicy authorizationPolicy(int i, List<String> callers) {
    String prefix = apiPrefix(i);
    return new AuthorizationPolicy(serviceName(i) + "-callers", new AuthorizationPolicy.Spec(
        serviceName(i), i % 10 == 9 ? EnforcementMode.SHADOW : EnforcementMode.ENFORCE,
        List.of(
            new AuthorizationPolicy.Rule("writers", callers,
                List.of(new AuthorizationPolicy.RequestMatch(List.of("POST", "PUT"),
                    List.of(new PathMatch.Prefix(prefix))))),
            new AuthorizationPolicy.Rule("readers", callers,
                List.of(new AuthorizationPolicy.RequestMatch(List.of("GET"),
                    List.of(new PathMatch.Prefix(prefix + "Get"),
                        new PathMatch.Exact(prefix + "List"))))))));
  }

  private static SyntheticPolicy validated(SyntheticPolicy policy) {
    for (PolicyResource resource : policy.resources()) {
      try {
        VALIDATOR.check(resource);
      } catch (PolicyValidationException e) {
        throw new IllegalStateException("synthetic " + resource.key() + " is invalid: "
            + e.getMessage(), e);
      }
    }
    return policy;
  }
}
