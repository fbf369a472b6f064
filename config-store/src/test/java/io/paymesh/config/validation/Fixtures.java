package io.paymesh.config.validation;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.AuthorizationPolicy.RequestMatch;
import io.paymesh.config.model.AuthorizationPolicy.Rule;
import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.Destination.WeightedTarget;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.OutlierDetection;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.RouteTable.RetryPolicy;
import io.paymesh.config.model.RouteTable.Route;
import io.paymesh.config.model.RouteTable.RouteMatch;
import io.paymesh.config.model.Service;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Valid policy resources (the examples of the brief) as mutable drafts, so each test changes only
 * the field it is about: {@code Fixtures.service(s -> s.identity = "x")}.
 */
public final class Fixtures {
  private Fixtures() {}

  public static Service service(Consumer<ServiceDraft> change) {
    ServiceDraft d = new ServiceDraft();
    change.accept(d);
    return new Service(d.name, new Service.Spec(d.ports, d.identity, d.pciScope, d.dependencies,
        d.loadBalancing, d.circuitBreakers, d.outlierDetection));
  }

  public static PaymentProcessor processor(Consumer<ProcessorDraft> change) {
    ProcessorDraft d = new ProcessorDraft();
    change.accept(d);
    return new PaymentProcessor(d.name, new PaymentProcessor.Spec(d.endpoints, d.tls,
        d.connectTimeout, d.circuitBreakers, d.outlierDetection));
  }

  /** The brief's payments table: a sticky split charge route and a default READ route. */
  public static RouteTable routeTable(Consumer<RouteTableDraft> change) {
    RouteTableDraft d = new RouteTableDraft();
    change.accept(d);
    return new RouteTable(d.name, new RouteTable.Spec(d.host, d.routes));
  }

  /** The charge-card route, changed by {@code change}. */
  public static Route route(Consumer<RouteDraft> change) {
    RouteDraft d = new RouteDraft();
    change.accept(d);
    return new Route(d.name, new RouteMatch(d.path, d.methods, d.headers), d.destination,
        d.operation, d.timeout, d.retry);
  }

  public static AuthorizationPolicy authorizationPolicy(Consumer<AuthorizationDraft> change) {
    AuthorizationDraft d = new AuthorizationDraft();
    change.accept(d);
    return new AuthorizationPolicy(d.name, new AuthorizationPolicy.Spec(d.service, d.mode, d.rules));
  }

  public static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  public static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  /** Mutable fields of a Service, initialised to a valid one. */
  public static final class ServiceDraft {
    public String name = "checkout";
    public List<Service.Port> ports = List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC));
    public String identity = "spiffe://paymesh.local/ns/payments/sa/checkout";
    public PciScope pciScope = PciScope.CONNECTED;
    public List<String> dependencies = List.of("payments", "payments-v1", "payments-v2", "stripe");
    public LoadBalancing loadBalancing = LoadBalancing.ROUND_ROBIN;
    public Optional<CircuitBreakers> circuitBreakers =
        Optional.of(new CircuitBreakers(1024, 256, 1024, 3));
    public Optional<OutlierDetection> outlierDetection =
        Optional.of(new OutlierDetection(5, seconds(10), seconds(30), 50));
  }

  /** Mutable fields of a PaymentProcessor, initialised to a valid one. */
  public static final class ProcessorDraft {
    public String name = "stripe";
    public List<PaymentProcessor.Endpoint> endpoints = List.of(
        new PaymentProcessor.Endpoint("api.stripe.com", 443, "us-east-1", 0),
        new PaymentProcessor.Endpoint("api-eu.stripe.com", 443, "eu-west-1", 1));
    public PaymentProcessor.Tls tls =
        new PaymentProcessor.Tls("api.stripe.com", "psp-ca-bundle", List.of("api.stripe.com"));
    public Duration connectTimeout = seconds(2);
    public Optional<CircuitBreakers> circuitBreakers = Optional.empty();
    public Optional<OutlierDetection> outlierDetection = Optional.empty();
  }

  /** Mutable fields of a RouteTable, initialised to a valid one. */
  public static final class RouteTableDraft {
    public String name = "payments";
    public String host = "payments";
    public List<Route> routes = List.of(route(r -> {}), route(RouteDraft::makeDefault));
  }

  /** Mutable fields of a Route, initialised to the brief's charge-card route. */
  public static final class RouteDraft {
    public String name = "charge-card";
    public PathMatch path = new PathMatch.Exact("/payments.v1.Payments/Charge");
    public List<String> methods = List.of("POST");
    public List<HeaderMatch> headers = List.of(new HeaderMatch("x-merchant-id", new HeaderMatch.Present()));
    public Destination destination = new Destination.Split(
        List.of(new WeightedTarget("payments-v1", 90), new WeightedTarget("payments-v2", 10)),
        Optional.of("x-merchant-id"));
    public OperationKind operation = OperationKind.NON_IDEMPOTENT_WRITE;
    public Duration timeout = seconds(3);
    public Optional<RetryPolicy> retry = Optional.of(
        new RetryPolicy(List.of("connect-failure", "refused-stream"), 1, Optional.of(seconds(1))));

    /** Turns this draft into the brief's catch-all READ route. */
    public void makeDefault() {
      name = "default";
      path = new PathMatch.Prefix("/");
      methods = List.of();
      headers = List.of();
      destination = new Destination.Single("payments-v1");
      operation = OperationKind.READ;
      timeout = seconds(1);
      retry = Optional.empty();
    }
  }

  /** Mutable fields of an AuthorizationPolicy, initialised to a valid one. */
  public static final class AuthorizationDraft {
    public String name = "payments-callers";
    public String service = "payments-v1";
    public EnforcementMode mode = EnforcementMode.ENFORCE;
    public List<Rule> rules = List.of(new Rule("checkout-charges", List.of("checkout"),
        List.of(new RequestMatch(List.of("POST"), List.of(
            new PathMatch.Exact("/payments.v1.Payments/Charge"),
            new PathMatch.Prefix("/payments.v1.Payments/Get"))))));
  }
}
