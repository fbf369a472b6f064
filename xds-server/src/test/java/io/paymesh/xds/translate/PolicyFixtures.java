package io.paymesh.xds.translate;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.FaultInjection;
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
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The example-like payment mesh used across translator and Gate tests: checkout calls the
 * {@code payments} RouteTable host (split over payments-v1/v2), the ledger Service without a
 * RouteTable, and the stripe PaymentProcessor.
 */
public final class PolicyFixtures {
  public static final String CHECKOUT_ID = "spiffe://paymesh.local/ns/payments/sa/checkout";
  public static final String LEDGER_ID = "spiffe://paymesh.local/ns/payments/sa/ledger";
  public static final String CHARGE = "/payments.v1.Payments/Charge";

  private PolicyFixtures() {}

  public static Service checkout() {
    return new Service("checkout", new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)),
        CHECKOUT_ID, PciScope.CONNECTED,
        List.of("stripe", "payments", "payments-v1", "payments-v2", "ledger"),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
  }

  public static Service paymentsV1() {
    return new Service("payments-v1", new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC),
            new Service.Port("admin", 8444, 9091, Service.Protocol.HTTP)),
        "spiffe://paymesh.local/ns/payments/sa/payments-v1", PciScope.CDE, List.of(),
        LoadBalancing.RING_HASH,
        Optional.of(new CircuitBreakers(1024, 256, 512, 3)),
        Optional.of(new OutlierDetection(5, Duration.ofSeconds(10), Duration.ofSeconds(30), 50))));
  }

  public static Service paymentsV2() {
    return new Service("payments-v2", new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)),
        "spiffe://paymesh.local/ns/payments/sa/payments-v2", PciScope.CDE, List.of(),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
  }

  public static Service ledger() {
    return new Service("ledger", new Service.Spec(
        List.of(new Service.Port("http", 8080, 8081, Service.Protocol.HTTP)),
        LEDGER_ID, PciScope.NONE, List.of(),
        LoadBalancing.LEAST_REQUEST, Optional.empty(), Optional.empty()));
  }

  public static PaymentProcessor stripe() {
    return new PaymentProcessor("stripe", new PaymentProcessor.Spec(
        List.of(new PaymentProcessor.Endpoint("api-eu.stripe.com", 443, "eu-west-1", 1),
            new PaymentProcessor.Endpoint("api.stripe.com", 443, "us-east-1", 0),
            new PaymentProcessor.Endpoint("api2.stripe.com", 443, "us-east-1", 0)),
        new PaymentProcessor.Tls("api.stripe.com", "psp-ca-bundle",
            List.of("api.stripe.com", "*.stripe.com")),
        Duration.ofSeconds(2),
        Optional.of(new CircuitBreakers(100, 50, 100, 2)),
        Optional.empty()));
  }

  public static RouteTable.Route chargeCard() {
    return new RouteTable.Route("charge-card",
        new RouteTable.RouteMatch(new PathMatch.Exact(CHARGE), List.of("POST"),
            List.of(new HeaderMatch("x-merchant-id", new HeaderMatch.Present()))),
        new Destination.Split(List.of(new Destination.WeightedTarget("payments-v1", 90),
            new Destination.WeightedTarget("payments-v2", 10)), Optional.of("x-merchant-id")),
        OperationKind.NON_IDEMPOTENT_WRITE, Duration.ofSeconds(3),
        Optional.of(new RouteTable.RetryPolicy(
            List.of("connect-failure", "refused-stream", "unavailable"), 1,
            Optional.of(Duration.ofMillis(1500)))));
  }

  public static RouteTable.Route refund() {
    return new RouteTable.Route("refund",
        new RouteTable.RouteMatch(new PathMatch.Prefix("/payments.v1.Payments/Refund"),
            List.of("POST", "PUT"),
            List.of(new HeaderMatch("x-region", new HeaderMatch.Exact("eu")),
                new HeaderMatch("x-api-version", new HeaderMatch.Prefix("v1")))),
        new Destination.Single("payments-v1"),
        OperationKind.IDEMPOTENT_WRITE, Duration.ofSeconds(2),
        Optional.of(new RouteTable.RetryPolicy(List.of("5xx", "reset"), 1,
            Optional.of(Duration.ofSeconds(1)))));
  }

  public static RouteTable.Route readDefault() {
    return new RouteTable.Route("default",
        new RouteTable.RouteMatch(new PathMatch.Prefix("/"), List.of(), List.of()),
        new Destination.Single("payments-v1"),
        OperationKind.READ, Duration.ofSeconds(1), Optional.empty());
  }

  /** The default read route with a drill that delays half and aborts a tenth of its requests. */
  public static RouteTable.Route readDrill() {
    RouteTable.Route read = readDefault();
    return new RouteTable.Route(read.name(), read.match(), read.destination(), read.operation(),
        read.timeout(), read.retry(),
        Optional.of(new FaultInjection("psp-outage",
            Optional.of(new FaultInjection.Delay(Duration.ofMillis(500), 50)),
            Optional.of(new FaultInjection.Abort(
                new FaultInjection.GrpcStatus(FaultInjection.GrpcCode.UNAVAILABLE), 10)),
            3, false)));
  }

  /** The fixture snapshot with the drill on the payments table's default route. */
  public static PolicySnapshot drillSnapshot() {
    PolicySnapshot.Builder b = PolicySnapshot.builder(43).addAll(resources())
        .add(new RouteTable("payments",
            new RouteTable.Spec("payments", List.of(chargeCard(), refund(), readDrill()))));
    endpoints().forEach(b::addEndpoint);
    return b.build();
  }

  public static RouteTable payments() {
    return new RouteTable("payments",
        new RouteTable.Spec("payments", List.of(chargeCard(), refund(), readDefault())));
  }

  public static AuthorizationPolicy paymentsCallers() {
    return new AuthorizationPolicy("payments-callers", new AuthorizationPolicy.Spec(
        "payments-v1", EnforcementMode.ENFORCE,
        List.of(new AuthorizationPolicy.Rule("checkout-charges", List.of("checkout"),
            List.of(new AuthorizationPolicy.RequestMatch(List.of("POST"),
                List.of(new PathMatch.Exact(CHARGE),
                    new PathMatch.Prefix("/payments.v1.Payments/Get"))))))));
  }

  public static AuthorizationPolicy ledgerShadow() {
    return new AuthorizationPolicy("ledger-audit", new AuthorizationPolicy.Spec(
        "payments-v1", EnforcementMode.SHADOW,
        List.of(new AuthorizationPolicy.Rule("ledger-reads", List.of("ledger", "ghost"),
            List.of(new AuthorizationPolicy.RequestMatch(List.of("GET", "HEAD"),
                List.of(new PathMatch.Prefix("/"))))))));
  }

  public static List<PolicyResource> resources() {
    return List.of(checkout(), paymentsV1(), paymentsV2(), ledger(), stripe(), payments(),
        paymentsCallers(), ledgerShadow());
  }

  public static List<Endpoint> endpoints() {
    return List.of(
        new Endpoint("payments-v1", "p1-a", "10.0.0.1", 9090, "zone-b", 2),
        new Endpoint("payments-v1", "p1-b", "10.0.0.2", 9090, "zone-a", 1),
        new Endpoint("payments-v1", "p1-c", "10.0.0.3", 9090, "zone-b", 3),
        new Endpoint("ledger", "l-1", "10.0.1.1", 8081, "zone-a", 1));
  }

  public static PolicySnapshot snapshot() {
    PolicySnapshot.Builder b = PolicySnapshot.builder(42).addAll(resources());
    endpoints().forEach(b::addEndpoint);
    return b.build();
  }
}
