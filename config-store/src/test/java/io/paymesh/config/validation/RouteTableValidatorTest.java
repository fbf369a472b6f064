package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.ms;
import static io.paymesh.config.validation.Fixtures.route;
import static io.paymesh.config.validation.Fixtures.routeTable;
import static io.paymesh.config.validation.Fixtures.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.Destination.WeightedTarget;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RouteTable.RetryPolicy;
import io.paymesh.config.model.RouteTable.Route;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RouteTableValidatorTest {
  private static final String CONDITIONS = "must be one of [connect-failure, refused-stream, reset, "
      + "5xx, gateway-error, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable]";
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  /** Errors of a table whose only route is the charge-card route changed by {@code change}. */
  private List<String> routeErrors(Consumer<Fixtures.RouteDraft> change) {
    return errors(routeTable(t -> t.routes = List.of(route(change))));
  }

  private static Destination split(int... weights) {
    WeightedTarget[] targets = new WeightedTarget[weights.length];
    for (int i = 0; i < weights.length; i++) {
      targets[i] = new WeightedTarget("payments-v" + (i + 1), weights[i]);
    }
    return new Destination.Split(List.of(targets), Optional.of("x-merchant-id"));
  }

  private static Optional<RetryPolicy> retry(int numRetries, Duration perTry, String... on) {
    return Optional.of(new RetryPolicy(List.of(on), numRetries, Optional.ofNullable(perTry)));
  }

  @Test
  void validate_whenRouteTableIsTheBriefExample_reportsNothing() {
    assertThat(errors(routeTable(t -> {}))).isEmpty();
  }

  @Test
  void validate_whenHostNotDnsName_reportsHost() {
    assertThat(errors(routeTable(t -> t.host = "payments..internal")))
        .containsExactly("host: " + Messages.DNS_NAME);
    assertThat(errors(routeTable(t -> t.host = "payments.internal"))).isEmpty();
  }

  @Test
  void validate_whenRoutesEmpty_reportsRoutes() {
    assertThat(errors(routeTable(t -> t.routes = List.of()))).containsExactly("routes: must not be empty");
  }

  @Test
  void validate_whenRouteNamesDuplicated_reportsDuplicateName() {
    assertThat(errors(routeTable(t -> t.routes = List.of(route(r -> {}), route(r -> {})))))
        .containsExactly("routes[charge-card].name: duplicate name");
  }

  @Test
  void validate_whenPathDoesNotStartWithSlash_reportsPath() {
    assertThat(routeErrors(r -> r.path = new PathMatch.Exact("payments.v1.Payments/Charge")))
        .containsExactly("routes[charge-card].match.path.exact: must start with '/'");
    assertThat(routeErrors(r -> r.path = new PathMatch.Prefix("")))
        .containsExactly("routes[charge-card].match.path.prefix: must start with '/'");
    assertThat(routeErrors(r -> r.path = null)).containsExactly("routes[charge-card].match.path: required");
  }

  @Test
  void validate_whenMethodUnknown_reportsMethod() {
    assertThat(routeErrors(r -> r.methods = List.of("POST", "post", "CONNECT", "POST")))
        .containsExactly(
            "routes[charge-card].match.methods[1]: must be one of [GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS]",
            "routes[charge-card].match.methods[2]: must be one of [GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS]",
            "routes[charge-card].match.methods[3]: duplicate method");
  }

  @Test
  void validate_whenHeaderMatchBad_reportsHeader() {
    assertThat(routeErrors(r -> r.headers = List.of(
            new HeaderMatch("X-Merchant-Id", new HeaderMatch.Present()),
            new HeaderMatch("x-region", new HeaderMatch.Exact("")),
            new HeaderMatch("x-api", new HeaderMatch.Prefix("")),
            new HeaderMatch("x merchant", new HeaderMatch.Exact("a")))))
        .containsExactly(
            "routes[charge-card].match.headers[X-Merchant-Id].name: " + Messages.HEADER_NAME,
            "routes[charge-card].match.headers[x-region].exact: must not be empty",
            "routes[charge-card].match.headers[x-api].prefix: must not be empty",
            "routes[charge-card].match.headers[3].name: " + Messages.HEADER_NAME);
  }

  @Test
  void validate_whenQueryParameterMatchBad_reportsQueryParameter() {
    assertThat(routeErrors(r -> r.queryParameters = List.of(
            new QueryParameterMatch("currency", new QueryParameterMatch.Exact("EUR")),
            new QueryParameterMatch("api_version", new QueryParameterMatch.Prefix("2024-")),
            new QueryParameterMatch("dry-run", new QueryParameterMatch.Present()))))
        .isEmpty();
    assertThat(routeErrors(r -> r.queryParameters = List.of(
            new QueryParameterMatch("", new QueryParameterMatch.Present()),
            new QueryParameterMatch("currency", new QueryParameterMatch.Exact("")),
            new QueryParameterMatch("region", new QueryParameterMatch.Prefix("eu west")),
            new QueryParameterMatch("a&b", new QueryParameterMatch.Exact("x")),
            new QueryParameterMatch("mode", null))))
        .containsExactly(
            "routes[charge-card].match.queryParameters[0].name: must not be empty",
            "routes[charge-card].match.queryParameters[currency].exact: must not be empty",
            "routes[charge-card].match.queryParameters[region].prefix: " + Messages.URL_TOKEN,
            "routes[charge-card].match.queryParameters[3].name: " + Messages.URL_TOKEN,
            "routes[charge-card].match.queryParameters[mode]: "
                + "must have exactly one of [exact, prefix, present]");
  }

  @Test
  void validate_whenApiVersionInPathAndPathUnderIt_reportsNothing() {
    assertThat(routeErrors(r -> {
      r.path = new PathMatch.Prefix("/v2/");
      r.apiVersion = Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX));
    })).isEmpty();
    assertThat(routeErrors(r -> {
      r.path = new PathMatch.Exact("/2024-06-01/charges");
      r.apiVersion =
          Optional.of(new ApiVersionMatch("2024-06-01", ApiVersionMatch.In.PATH_PREFIX));
    })).isEmpty();
  }

  @Test
  void validate_whenApiVersionInPathContradictsPath_reportsPath() {
    ApiVersionMatch v2 = new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX);
    assertThat(routeErrors(r -> {
      r.path = new PathMatch.Prefix("/v1/charges");
      r.apiVersion = Optional.of(v2);
    })).containsExactly("routes[charge-card].match.path.prefix: "
        + "must start with '/v2/', the path prefix of apiVersion v2");
    // "/v2" would also match "/v20/...": the version's prefix ends with a slash.
    assertThat(routeErrors(r -> {
      r.path = new PathMatch.Prefix("/v2");
      r.apiVersion = Optional.of(v2);
    })).containsExactly("routes[charge-card].match.path.prefix: "
        + "must start with '/v2/', the path prefix of apiVersion v2");
    assertThat(routeErrors(r -> r.apiVersion = Optional.of(v2)))
        .containsExactly("routes[charge-card].match.path.exact: "
            + "must start with '/v2/', the path prefix of apiVersion v2");
  }

  @Test
  void validate_whenApiVersionInHeaderAndHeaderConditionOnIt_reportsConflict() {
    assertThat(routeErrors(r -> {
      r.apiVersion = Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER));
      r.headers = List.of(
          new HeaderMatch("x-merchant-id", new HeaderMatch.Present()),
          new HeaderMatch("api-version", new HeaderMatch.Prefix("v")));
    })).containsExactly("routes[charge-card].match.headers[api-version]: "
        + "conflicts with apiVersion, which matches the api-version header");
    assertThat(routeErrors(r ->
        r.apiVersion = Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER))))
        .isEmpty();
  }

  @Test
  void validate_whenApiVersionValueBad_reportsValue() {
    String syntax = "must be 1 to 63 letters, digits, '.', '-' or '_', starting with a letter"
        + " or digit (e.g. v2, 2024-06-01)";
    assertThat(routeErrors(r -> r.apiVersion =
            Optional.of(new ApiVersionMatch("v2/beta", ApiVersionMatch.In.HEADER))))
        .containsExactly("routes[charge-card].match.apiVersion.value: " + syntax);
    assertThat(routeErrors(r -> r.apiVersion =
            Optional.of(new ApiVersionMatch("", ApiVersionMatch.In.PATH_PREFIX))))
        .containsExactly("routes[charge-card].match.apiVersion.value: " + syntax);
    assertThat(routeErrors(r -> r.apiVersion = Optional.of(new ApiVersionMatch("v2", null))))
        .containsExactly("routes[charge-card].match.apiVersion.in: required");
  }

  @Test
  void validate_whenFaultOnReadRoute_reportsNothing() {
    assertThat(routeErrors(r -> {
      r.makeDefault();
      r.fault = Optional.of(Fixtures.fault(f -> {}));
    })).isEmpty();
    assertThat(routeErrors(r -> {
      r.makeDefault();
      r.fault = Optional.of(Fixtures.fault(f -> {
        f.delay = Optional.of(new FaultInjection.Delay(ms(1000), 50));
        f.abort = Optional.of(new FaultInjection.Abort(new FaultInjection.HttpStatus(503), 1));
      }));
    })).isEmpty();
  }

  @Test
  void validate_whenFaultBad_reportsEveryField() {
    assertThat(routeErrors(r -> {
      r.makeDefault();
      r.fault = Optional.of(Fixtures.fault(f -> {
        f.drill = "PSP outage";
        f.delay = Optional.of(new FaultInjection.Delay(ms(1500), 0));
        f.abort = Optional.of(new FaultInjection.Abort(new FaultInjection.HttpStatus(200), 101));
        f.maxActiveFaults = 0;
        f.allowNonIdempotentWrite = true;
      }));
    })).containsExactly(
        "routes[default].fault.drill: " + Messages.DNS_LABEL,
        "routes[default].fault.delay.duration: must be <= the route timeout 1s",
        "routes[default].fault.delay.percentage: must be between 1 and 100",
        "routes[default].fault.abort.httpStatus: must be between 400 and 599",
        "routes[default].fault.abort.percentage: must be between 1 and 100",
        "routes[default].fault.maxActiveFaults: must be >= 1",
        "routes[default].fault.allowNonIdempotentWrite: only allowed on a NON_IDEMPOTENT_WRITE route");
    assertThat(routeErrors(r -> {
      r.makeDefault();
      r.fault = Optional.of(Fixtures.fault(f -> {
        f.abort = Optional.empty();
        f.drill = null;
      }));
    })).containsExactly(
        "routes[default].fault.drill: required",
        "routes[default].fault: must have at least one of [delay, abort]");
  }

  @Test
  void validate_whenFaultOnNonIdempotentWrite_requiresExplicitConsent() {
    assertThat(routeErrors(r -> r.fault = Optional.of(Fixtures.fault(f -> {}))))
        .containsExactly("routes[charge-card].fault: "
            + "not allowed on a NON_IDEMPOTENT_WRITE route unless allowNonIdempotentWrite is true");
    assertThat(routeErrors(r -> r.fault =
            Optional.of(Fixtures.fault(f -> f.allowNonIdempotentWrite = true))))
        .isEmpty();
  }

  @Test
  void validate_whenTargetNotDnsLabel_reportsTarget() {
    assertThat(routeErrors(r -> r.destination = new Destination.Single("payments.v1")))
        .containsExactly("routes[charge-card].destination.target: " + Messages.DNS_LABEL);
  }

  @Test
  void validate_whenSplitHasOneTarget_reportsSplit() {
    assertThat(routeErrors(r -> r.destination = split(100)))
        .containsExactly("routes[charge-card].destination.split: must have at least 2 targets");
  }

  @Test
  void validate_whenSplitTargetsRepeat_reportsDuplicateTarget() {
    assertThat(routeErrors(r -> r.destination = new Destination.Split(
            List.of(new WeightedTarget("payments-v1", 50), new WeightedTarget("payments-v1", 50)),
            Optional.of("x-merchant-id"))))
        .containsExactly("routes[charge-card].destination.split[1].target: duplicate target");
  }

  @Test
  void validate_whenWeightsOutOfRange_reportsWeightsNotSum() {
    assertThat(routeErrors(r -> r.destination = split(0, 101)))
        .containsExactly(
            "routes[charge-card].destination.split[0].weight: must be between 1 and 100",
            "routes[charge-card].destination.split[1].weight: must be between 1 and 100");
  }

  @Test
  void validate_whenWeightsDoNotSumTo100_reportsSum() {
    assertThat(routeErrors(r -> r.destination = split(90, 5)))
        .containsExactly("routes[charge-card].destination.split: weights must sum to 100, got 95");
    assertThat(routeErrors(r -> r.destination = split(50, 30, 20))).isEmpty();
  }

  @Test
  void validate_whenNonReadSplitNotSticky_reportsStickyBy() {
    Destination unsticky = new Destination.Split(
        List.of(new WeightedTarget("payments-v1", 90), new WeightedTarget("payments-v2", 10)),
        Optional.empty());
    for (OperationKind op : List.of(OperationKind.IDEMPOTENT_WRITE, OperationKind.NON_IDEMPOTENT_WRITE)) {
      assertThat(routeErrors(r -> {
        r.destination = unsticky;
        r.operation = op;
      })).containsExactly("routes[charge-card].destination.stickyBy: "
          + "required when a non-READ route is split, so a payment stays on one side of the split");
    }
    assertThat(routeErrors(r -> {
      r.destination = unsticky;
      r.operation = OperationKind.READ;
    })).isEmpty();
  }

  @Test
  void validate_whenStickyByNotHeaderName_reportsStickyBy() {
    assertThat(routeErrors(r -> r.destination = new Destination.Split(
            List.of(new WeightedTarget("payments-v1", 90), new WeightedTarget("payments-v2", 10)),
            Optional.of("X-Merchant"))))
        .containsExactly("routes[charge-card].destination.stickyBy: " + Messages.HEADER_NAME);
  }

  @Test
  void validate_whenTimeoutNotPositive_reportsTimeout() {
    assertThat(routeErrors(r -> {
      r.timeout = Duration.ZERO;
      r.retry = Optional.empty();
    })).containsExactly("routes[charge-card].timeout: must be > 0");
    assertThat(routeErrors(r -> r.operation = null)).containsExactly("routes[charge-card].operation: required");
  }

  @Test
  void validate_whenRetryOnEmptyOrUnknown_reportsRetryOn() {
    assertThat(routeErrors(r -> r.retry = retry(1, seconds(1))))
        .containsExactly("routes[charge-card].retry.retryOn: must not be empty");
    assertThat(routeErrors(r -> r.retry = retry(1, seconds(1), "connect-failure", "5XX")))
        .containsExactly("routes[charge-card].retry.retryOn[1]: " + CONDITIONS);
  }

  @Test
  void validate_whenNumRetriesOutOfRange_reportsNumRetries() {
    assertThat(routeErrors(r -> r.retry = retry(0, ms(500), "connect-failure")))
        .containsExactly("routes[charge-card].retry.numRetries: must be between 1 and 5");
    assertThat(routeErrors(r -> {
      r.timeout = seconds(10);
      r.retry = retry(6, ms(500), "connect-failure");
    })).containsExactly("routes[charge-card].retry.numRetries: must be between 1 and 5");
  }

  @Test
  void validate_whenPerTryTimeoutNotPositive_reportsPerTryTimeout() {
    assertThat(routeErrors(r -> r.retry = retry(1, Duration.ZERO, "connect-failure")))
        .containsExactly("routes[charge-card].retry.perTryTimeout: must be > 0");
  }

  @Test
  void validate_whenUnsafeRetryWithoutPerTryTimeout_reportsRequired() {
    assertThat(routeErrors(r -> r.retry = retry(2, null, "connect-failure", "unavailable")))
        .containsExactly("routes[charge-card].retry.perTryTimeout: "
            + "required when retrying conditions other than connect-failure and refused-stream");
    assertThat(routeErrors(r -> r.retry = retry(2, null, "connect-failure", "refused-stream"))).isEmpty();
  }

  @Test
  void validate_whenRetryBudgetExceedsTimeout_reportsBudget() {
    assertThat(routeErrors(r -> r.retry = retry(3, seconds(1), "5xx")))
        .containsExactly("routes[charge-card].retry: "
            + "retry budget (numRetries + 1) x perTryTimeout = 4s exceeds timeout 3s");
    assertThat(routeErrors(r -> r.retry = retry(2, ms(1500), "5xx")))
        .containsExactly("routes[charge-card].retry: "
            + "retry budget (numRetries + 1) x perTryTimeout = 4500ms exceeds timeout 3s");
    assertThat(routeErrors(r -> r.retry = retry(2, seconds(1), "5xx"))).isEmpty();
  }

  @Test
  void validate_whenManyThingsWrong_reportsAllAcrossRoutes() {
    Route bad = route(r -> {
      r.name = "refund";
      r.path = new PathMatch.Prefix("refunds");
      r.destination = split(60, 30);
      r.timeout = seconds(2);
      r.retry = retry(2, seconds(1), "reset");
    });
    Route alsoBad = route(r -> {
      r.makeDefault();
      r.methods = List.of("FETCH");
      r.destination = new Destination.Single("");
    });
    assertThat(errors(routeTable(t -> {
      t.host = "";
      t.routes = List.of(bad, alsoBad);
    }))).containsExactly(
        "host: " + Messages.DNS_NAME,
        "routes[refund].match.path.prefix: must start with '/'",
        "routes[refund].destination.split: weights must sum to 100, got 90",
        "routes[refund].retry: retry budget (numRetries + 1) x perTryTimeout = 3s exceeds timeout 2s",
        "routes[default].match.methods[0]: must be one of [GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS]",
        "routes[default].destination.target: " + Messages.DNS_LABEL);
  }
}
