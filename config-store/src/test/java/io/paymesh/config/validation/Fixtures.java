package io.paymesh.config.validation;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.AuthorizationPolicy.RequestMatch;
import io.paymesh.config.model.AuthorizationPolicy.Rule;
import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.Destination.WeightedTarget;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.OutlierDetection;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RateLimitPolicy.RateLimit;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RequestAuthentication.JwtIssuer;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.RouteTable.RetryPolicy;
import io.paymesh.config.model.RouteTable.Route;
import io.paymesh.config.model.RouteTable.RouteMatch;
import io.paymesh.config.model.Service;
import io.paymesh.config.model.Gateway;
import java.time.Duration;
import java.time.LocalDate;
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
    return new Route(d.name,
        new RouteMatch(d.path, d.methods, d.headers, d.queryParameters, d.apiVersion),
        d.destination, d.operation, d.timeout, d.retry, d.fault);
  }

  public static AuthorizationPolicy authorizationPolicy(Consumer<AuthorizationDraft> change) {
    AuthorizationDraft d = new AuthorizationDraft();
    change.accept(d);
    return new AuthorizationPolicy(d.name, new AuthorizationPolicy.Spec(d.service, d.mode, d.rules));
  }

  public static PeerAuthentication peerAuthentication(Consumer<PeerAuthenticationDraft> change) {
    PeerAuthenticationDraft d = new PeerAuthenticationDraft();
    change.accept(d);
    return new PeerAuthentication(d.name, new PeerAuthentication.Spec(d.service, d.mode));
  }

  public static RequestAuthentication requestAuthentication(
      Consumer<RequestAuthenticationDraft> change) {
    RequestAuthenticationDraft d = new RequestAuthenticationDraft();
    change.accept(d);
    return new RequestAuthentication(d.name, new RequestAuthentication.Spec(d.service, d.issuers));
  }

  /** The reference's auth issuer, changed by {@code change}. */
  public static JwtIssuer jwtIssuer(Consumer<JwtIssuerDraft> change) {
    JwtIssuerDraft d = new JwtIssuerDraft();
    change.accept(d);
    return new JwtIssuer(d.issuer, d.audiences, d.jwksUri, d.jwksCacheDuration);
  }

  public static RateLimitPolicy rateLimitPolicy(Consumer<RateLimitPolicyDraft> change) {
    RateLimitPolicyDraft d = new RateLimitPolicyDraft();
    change.accept(d);
    return new RateLimitPolicy(d.name, new RateLimitPolicy.Spec(d.service, d.limits));
  }

  /** The reference's per-merchant charge limit, changed by {@code change}. */
  public static RateLimit rateLimit(Consumer<RateLimitDraft> change) {
    RateLimitDraft d = new RateLimitDraft();
    change.accept(d);
    return new RateLimit(d.name, d.path, d.key, d.tokens, d.interval, d.burst);
  }

  /** The reference's public API gateway (v1 deprecated, v2 active), changed by {@code change}. */
  public static Gateway gateway(Consumer<GatewayDraft> change) {
    GatewayDraft d = new GatewayDraft();
    change.accept(d);
    return new Gateway(d.name, new Gateway.Spec(d.service, d.listeners, d.apis,
        d.sensitiveHeaders));
  }

  /** An API with the given versions, on host api.paymesh.example. */
  public static Gateway.Api api(Gateway.Version... versions) {
    return new Gateway.Api("payments", List.of("api.paymesh.example"), List.of(versions));
  }

  /** An ACTIVE version in the path, forwarding to {@code backend} within 5s. */
  public static Gateway.Version activeVersion(String value, String backend) {
    return new Gateway.Version(new ApiVersionMatch(value, ApiVersionMatch.In.PATH_PREFIX),
        Gateway.Status.ACTIVE, Optional.of(backend), Optional.of(Duration.ofSeconds(5)),
        Optional.empty(), Optional.empty());
  }

  /** A drill that aborts every request of drill {@code psp-outage}, changed by {@code change}. */
  public static FaultInjection fault(Consumer<FaultDraft> change) {
    FaultDraft d = new FaultDraft();
    change.accept(d);
    return new FaultInjection(d.drill, d.delay, d.abort, d.maxActiveFaults,
        d.allowNonIdempotentWrite);
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
    public List<QueryParameterMatch> queryParameters = List.of();
    public Optional<ApiVersionMatch> apiVersion = Optional.empty();
    public Optional<FaultInjection> fault = Optional.empty();

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

  /** Mutable fields of a FaultInjection, initialised to a valid abort drill. */
  public static final class FaultDraft {
    public String drill = "psp-outage";
    public Optional<FaultInjection.Delay> delay = Optional.empty();
    public Optional<FaultInjection.Abort> abort = Optional.of(new FaultInjection.Abort(
        new FaultInjection.GrpcStatus(FaultInjection.GrpcCode.UNAVAILABLE), 100));
    public int maxActiveFaults = 5;
    public boolean allowNonIdempotentWrite = false;
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

  /** Mutable fields of a PeerAuthentication, initialised to a valid one. */
  public static final class PeerAuthenticationDraft {
    public String name = "payments-mtls";
    public String service = "payments-v1";
    public MtlsMode mode = MtlsMode.STRICT;
  }

  /** Mutable fields of a RequestAuthentication, initialised to a valid one. */
  public static final class RequestAuthenticationDraft {
    public String name = "gateway-jwt";
    public String service = "api-gateway";
    public List<JwtIssuer> issuers = List.of(jwtIssuer(i -> {}));
  }

  /** Mutable fields of a JWT issuer, initialised to a valid one. */
  public static final class JwtIssuerDraft {
    public String issuer = "https://auth.paymesh.example";
    public List<String> audiences = List.of("payments-api");
    public String jwksUri = "https://auth.paymesh.example/.well-known/jwks.json";
    public Optional<Duration> jwksCacheDuration = Optional.of(Duration.ofMinutes(5));
  }

  /** Mutable fields of a Gateway, initialised to the reference's example. */
  public static final class GatewayDraft {
    public String name = "public-api";
    public String service = "edge";
    public List<Gateway.Listener> listeners = List.of(new Gateway.Listener("https", 8443));
    public List<Gateway.Api> apis = List.of(api(
        new Gateway.Version(new ApiVersionMatch("v1", ApiVersionMatch.In.PATH_PREFIX),
            Gateway.Status.DEPRECATED, Optional.of("payments-v1"),
            Optional.of(Duration.ofSeconds(5)), Optional.of(LocalDate.of(2026, 6, 1)),
            Optional.of(LocalDate.of(2027, 6, 30))),
        activeVersion("v2", "payments-v2")));
    public List<String> sensitiveHeaders = List.of();
  }

  /** Mutable fields of a RateLimitPolicy, initialised to a valid one. */
  public static final class RateLimitPolicyDraft {
    public String name = "payments-limits";
    public String service = "payments-v1";
    public List<RateLimit> limits = List.of(
        rateLimit(l -> {}),
        rateLimit(l -> {
          l.name = "per-caller";
          l.path = Optional.empty();
          l.key = new RateLimitPolicy.Key.Caller();
          l.tokens = 1000;
          l.interval = Duration.ofMinutes(1);
          l.burst = 1000;
        }));
  }

  /** Mutable fields of a RateLimit, initialised to the per-merchant charge limit. */
  public static final class RateLimitDraft {
    public String name = "merchant-charges";
    public Optional<PathMatch> path = Optional.of(new PathMatch.Exact("/payments.v1.Payments/Charge"));
    public RateLimitPolicy.Key key = new RateLimitPolicy.Key.Header("x-merchant-id");
    public int tokens = 100;
    public Duration interval = Duration.ofSeconds(1);
    public int burst = 200;
  }
}
