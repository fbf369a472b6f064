package io.paymesh.config.codec;

import static io.paymesh.config.validation.Fixtures.ms;
import static io.paymesh.config.validation.Fixtures.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.OutlierDetection;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RequestAuthentication.JwtIssuer;
import io.paymesh.config.model.RouteTable.RetryPolicy;
import io.paymesh.config.validation.Fixtures;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyCodecRoundTripTest {
  private final PolicyCodec codec = new PolicyCodec();

  private static List<PolicyResource> everyKind() {
    return List.of(
        Fixtures.service(s -> {}),
        Fixtures.service(s -> {
          s.dependencies = List.of();
          s.loadBalancing = LoadBalancing.RING_HASH;
          s.circuitBreakers = Optional.empty();
          s.outlierDetection = Optional.of(new OutlierDetection(1, ms(1500), Fixtures.seconds(60), 100));
        }),
        Fixtures.service(s -> s.outlierDetection = Optional.of(new OutlierDetection(
            5, seconds(1), seconds(30), 50,
            Optional.of(new OutlierDetection.FailurePercentage(50, 2, 10))))),
        Fixtures.processor(p -> {}),
        Fixtures.processor(p -> {
          p.connectTimeout = ms(250);
          p.circuitBreakers = Optional.of(new CircuitBreakers(1, 2, 3, 4));
          p.outlierDetection = Optional.of(new OutlierDetection(3, seconds(5), seconds(30), 10));
        }),
        Fixtures.routeTable(t -> {}),
        Fixtures.routeTable(t -> t.routes = List.of(Fixtures.route(r -> {
          r.headers = List.of(
              new HeaderMatch("x-region", new HeaderMatch.Exact("eu")),
              new HeaderMatch("x-api-version", new HeaderMatch.Prefix("2024-")));
          r.retry = Optional.of(new RetryPolicy(List.of("connect-failure"), 2, Optional.empty()));
        }))),
        Fixtures.routeTable(t -> t.routes = List.of(
            Fixtures.route(r -> {
              r.path = new PathMatch.Prefix("/v2/");
              r.queryParameters = List.of(
                  new QueryParameterMatch("currency", new QueryParameterMatch.Exact("EUR")),
                  new QueryParameterMatch("region", new QueryParameterMatch.Prefix("eu")),
                  new QueryParameterMatch("dry-run", new QueryParameterMatch.Present()));
              r.apiVersion = Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX));
              r.fault = Optional.of(Fixtures.fault(f -> f.allowNonIdempotentWrite = true));
            }),
            Fixtures.route(r -> {
              r.makeDefault();
              r.apiVersion = Optional.of(new ApiVersionMatch("2024-06-01", ApiVersionMatch.In.HEADER));
              r.fault = Optional.of(Fixtures.fault(f -> {
                f.delay = Optional.of(new FaultInjection.Delay(ms(750), 25));
                f.abort = Optional.of(new FaultInjection.Abort(new FaultInjection.HttpStatus(503), 1));
              }));
            }))),
        Fixtures.authorizationPolicy(a -> {}),
        Fixtures.authorizationPolicy(a -> {
          a.mode = EnforcementMode.SHADOW;
          a.rules = List.of();
        }),
        Fixtures.peerAuthentication(p -> {}),
        Fixtures.peerAuthentication(p -> p.mode = MtlsMode.PERMISSIVE),
        Fixtures.requestAuthentication(a -> {}),
        Fixtures.requestAuthentication(a -> a.issuers = List.of(
            Fixtures.jwtIssuer(i -> {
              i.audiences = List.of("payments-api", "refunds-api");
              i.jwksCacheDuration = Optional.empty();
            }),
            Fixtures.jwtIssuer(i -> {
              i.issuer = "partner-idp";
              i.jwksUri = "https://idp.partner.example:8443/keys?format=jwks";
              i.jwksCacheDuration = Optional.of(ms(90_000));
            }))),
        Fixtures.requestAuthentication(a -> a.issuers = List.of(new JwtIssuer(
            "https://partners.example/oauth", List.of("payments-api"),
            new RequestAuthentication.Jwks.Inline(
                PolicyCodecAccessAndLimitKindsTest.EC_PUBLIC_JWKS),
            Optional.of(Fixtures.seconds(30)), List.of()))),
        Fixtures.gateway(g -> {}),
        Fixtures.gateway(g -> {
          g.sensitiveHeaders = List.of("x-card-number", "x-cardholder-name");
          g.apis = List.of(Fixtures.api(new Gateway.Version(
              new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER), Gateway.Status.ACTIVE,
              Optional.of("payments-v2"), Optional.of(Fixtures.seconds(5)), Optional.empty(),
              Optional.empty(), List.of(), List.of(), Optional.empty(),
              List.of(new Gateway.CachedRead("currencies", new PathMatch.Exact("/currencies"),
                      List.of("HEAD"), List.of("accept-language", "accept-encoding")),
                  new Gateway.CachedRead("fx-rates", new PathMatch.Prefix("/fx-rates/"),
                      Gateway.CachedRead.READ_METHODS, List.of())))));
        }),
        Fixtures.rateLimitPolicy(r -> {}),
        Fixtures.rateLimitPolicy(r -> r.limits = List.of(Fixtures.rateLimit(l -> {
          l.path = Optional.of(new PathMatch.Prefix("/payments.v1.Payments/"));
          l.interval = ms(250);
        }))));
  }

  @Test
  void toJson_thenDecode_returnsEqualResourceForEveryKind() throws Exception {
    for (PolicyResource r : everyKind()) {
      assertThat(codec.decode(codec.toJson(r))).as(r.key().toString()).isEqualTo(r);
    }
  }

  @Test
  void toYaml_thenDecode_returnsEqualResourceForEveryKind() throws Exception {
    for (PolicyResource r : everyKind()) {
      assertThat(codec.decode(codec.toYaml(r))).as(r.key().toString()).isEqualTo(r);
    }
  }

  @Test
  void toYaml_whenStringsLookLikeYamlScalars_quotesThem() throws Exception {
    for (String value : List.of("no", "yes", "on", "off", "true", "null", "~", "010", "0x1F", "1_000", "1e3", "y", ".inf", "-.5", "0b101", "1:20", "12")) {
      PolicyResource r = Fixtures.routeTable(t -> t.routes = List.of(Fixtures.route(
          d -> d.headers = List.of(new HeaderMatch("x-region", new HeaderMatch.Exact(value))))));
      assertThat(codec.decode(codec.toYaml(r))).as(value).isEqualTo(r);
    }
  }

  @Test
  void toJson_whenService_writesCanonicalFieldOrderAndDurations() {
    assertThat(codec.toJson(Fixtures.service(s -> s.outlierDetection =
            Optional.of(new OutlierDetection(5, ms(60_000), ms(1500), 50)))))
        .isEqualTo("{\"kind\":\"Service\",\"name\":\"checkout\",\"spec\":{"
            + "\"ports\":[{\"name\":\"grpc\",\"port\":8443,\"targetPort\":9090,\"protocol\":\"GRPC\"}],"
            + "\"identity\":\"spiffe://paymesh.local/ns/payments/sa/checkout\",\"pciScope\":\"CONNECTED\","
            + "\"dependencies\":[\"payments\",\"payments-v1\",\"payments-v2\",\"stripe\"],"
            + "\"loadBalancing\":\"ROUND_ROBIN\","
            + "\"circuitBreakers\":{\"maxConnections\":1024,\"maxPendingRequests\":256,\"maxRequests\":1024,\"maxRetries\":3},"
            + "\"outlierDetection\":{\"consecutive5xx\":5,\"interval\":\"1m\",\"baseEjectionTime\":\"1500ms\",\"maxEjectionPercent\":50}}}");
  }

  @Test
  void toJson_whenFailurePercentage_writesItLastInOutlierDetection() {
    assertThat(codec.toJson(Fixtures.service(s -> s.outlierDetection = Optional.of(
            new OutlierDetection(5, seconds(1), seconds(30), 50,
                Optional.of(new OutlierDetection.FailurePercentage(50, 2, 10)))))))
        .endsWith("\"outlierDetection\":{\"consecutive5xx\":5,\"interval\":\"1s\","
            + "\"baseEjectionTime\":\"30s\",\"maxEjectionPercent\":50,"
            + "\"failurePercentage\":{\"threshold\":50,\"minimumHosts\":2,\"requestVolume\":10}}}}");
  }

  @Test
  void toJson_whenOptionalsEmpty_omitsThem() {
    assertThat(codec.toJson(Fixtures.routeTable(t -> t.routes = List.of(Fixtures.route(Fixtures.RouteDraft::makeDefault)))))
        .isEqualTo("{\"kind\":\"RouteTable\",\"name\":\"payments\",\"spec\":{\"host\":\"payments\",\"routes\":["
            + "{\"name\":\"default\",\"match\":{\"path\":{\"prefix\":\"/\"}},\"destination\":{\"target\":\"payments-v1\"},"
            + "\"operation\":\"READ\",\"timeout\":\"1s\"}]}}");
    assertThat(codec.toJson(Fixtures.authorizationPolicy(a -> a.rules = List.of())))
        .isEqualTo("{\"kind\":\"AuthorizationPolicy\",\"name\":\"payments-callers\","
            + "\"spec\":{\"service\":\"payments-v1\",\"mode\":\"ENFORCE\",\"rules\":[]}}");
  }

  @Test
  void toJson_whenAccessAndLimitKinds_writesCanonicalForm() {
    assertThat(codec.toJson(Fixtures.peerAuthentication(p -> {})))
        .isEqualTo("{\"kind\":\"PeerAuthentication\",\"name\":\"payments-mtls\","
            + "\"spec\":{\"service\":\"payments-v1\",\"mode\":\"STRICT\"}}");
    assertThat(codec.toJson(Fixtures.requestAuthentication(a -> a.issuers = List.of(
            Fixtures.jwtIssuer(i -> {}), Fixtures.jwtIssuer(i -> {
              i.issuer = "partner-idp";
              i.jwksCacheDuration = Optional.empty();
            })))))
        .isEqualTo("{\"kind\":\"RequestAuthentication\",\"name\":\"gateway-jwt\",\"spec\":{"
            + "\"service\":\"api-gateway\",\"issuers\":["
            + "{\"issuer\":\"https://auth.paymesh.example\",\"audiences\":[\"payments-api\"],"
            + "\"jwksUri\":\"https://auth.paymesh.example/.well-known/jwks.json\",\"jwksCacheDuration\":\"5m\"},"
            + "{\"issuer\":\"partner-idp\",\"audiences\":[\"payments-api\"],"
            + "\"jwksUri\":\"https://auth.paymesh.example/.well-known/jwks.json\"}]}}");
    assertThat(codec.toJson(Fixtures.rateLimitPolicy(r -> {})))
        .isEqualTo("{\"kind\":\"RateLimitPolicy\",\"name\":\"payments-limits\",\"spec\":{"
            + "\"service\":\"payments-v1\",\"limits\":["
            + "{\"name\":\"merchant-charges\",\"path\":{\"exact\":\"/payments.v1.Payments/Charge\"},"
            + "\"key\":{\"header\":\"x-merchant-id\"},\"tokens\":100,\"interval\":\"1s\",\"burst\":200},"
            + "{\"name\":\"per-caller\",\"key\":{\"caller\":true},\"tokens\":1000,"
            + "\"interval\":\"1m\",\"burst\":1000}]}}");
  }

  @Test
  void toJson_whenRouteHasNewMatchesAndFault_writesCanonicalForm() {
    assertThat(codec.toJson(Fixtures.routeTable(t -> t.routes = List.of(Fixtures.route(r -> {
      r.makeDefault();
      r.queryParameters = List.of(new QueryParameterMatch("dry-run", new QueryParameterMatch.Present()));
      r.apiVersion = Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER));
      r.fault = Optional.of(Fixtures.fault(f -> f.delay = Optional.of(new FaultInjection.Delay(ms(60_000), 5))));
    }))))).isEqualTo("{\"kind\":\"RouteTable\",\"name\":\"payments\",\"spec\":{\"host\":\"payments\",\"routes\":["
        + "{\"name\":\"default\",\"match\":{\"path\":{\"prefix\":\"/\"},"
        + "\"queryParameters\":[{\"name\":\"dry-run\",\"present\":true}],"
        + "\"apiVersion\":{\"value\":\"v2\",\"in\":\"HEADER\"}},"
        + "\"destination\":{\"target\":\"payments-v1\"},\"operation\":\"READ\",\"timeout\":\"1s\","
        + "\"fault\":{\"drill\":\"psp-outage\",\"delay\":{\"duration\":\"1m\",\"percentage\":5},"
        + "\"abort\":{\"grpcStatus\":\"UNAVAILABLE\",\"percentage\":100},\"maxActiveFaults\":5}}]}}");
  }

  @Test
  void toJson_whenDecodedFromDifferentSpellings_isIdentical() throws Exception {
    AuthorizationPolicy a = (AuthorizationPolicy) codec.decode(
        "{\"name\": \"p\", \"spec\": {\"rules\": [], \"service\": \"s\"}, \"kind\": \"AuthorizationPolicy\"}");
    AuthorizationPolicy b = (AuthorizationPolicy) codec.decode(
        "kind: AuthorizationPolicy\nname: p\nspec:\n  service: s\n  mode: ENFORCE\n  rules: []\n");
    assertThat(codec.toJson(a)).isEqualTo(codec.toJson(b));
  }

  @Test
  void toYaml_whenRouteTable_isReadableYaml() {
    assertThat(codec.toYaml(Fixtures.routeTable(t -> t.routes = List.of(Fixtures.route(Fixtures.RouteDraft::makeDefault)))))
        .isEqualTo("""
            kind: RouteTable
            name: payments
            spec:
              host: payments
              routes:
              - name: default
                match:
                  path:
                    prefix: /
                destination:
                  target: payments-v1
                operation: READ
                timeout: 1s
            """);
  }
}
