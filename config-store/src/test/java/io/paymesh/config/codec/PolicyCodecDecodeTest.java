package io.paymesh.config.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.validation.Fixtures;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyCodecDecodeTest {
  private final PolicyCodec codec = new PolicyCodec();

  private List<String> errors(String text) {
    PolicyValidationException e =
        catchThrowableOfType(PolicyValidationException.class, () -> codec.decode(text));
    assertThat(e).as("decode should fail").isNotNull();
    return e.errors().stream().map(ValidationError::toString).toList();
  }

  @Test
  void decode_whenBriefExamples_returnsTheRecords() throws Exception {
    assertThat(codec.decode(Examples.SERVICE)).isEqualTo(Fixtures.service(s -> {}));
    assertThat(codec.decode(Examples.PROCESSOR)).isEqualTo(Fixtures.processor(p -> {}));
    assertThat(codec.decode(Examples.ROUTE_TABLE)).isEqualTo(Fixtures.routeTable(t -> {}));
    assertThat(codec.decode(Examples.AUTHORIZATION_POLICY))
        .isEqualTo(Fixtures.authorizationPolicy(a -> {}));
  }

  @Test
  void decode_whenJson_returnsTheRecord() throws Exception {
    String json = "{\n\t\"kind\": \"PaymentProcessor\", \"name\": \"stripe\", \"spec\": {\"endpoints\": ["
        + "{\"address\": \"api.stripe.com\", \"port\": 443, \"region\": \"us-east-1\", \"priority\": 0},"
        + "{\"address\": \"api-eu.stripe.com\", \"port\": 443, \"region\": \"eu-west-1\", \"priority\": 1}],"
        + "\"tls\": {\"sni\": \"api.stripe.com\", \"trustedCaSecret\": \"psp-ca-bundle\","
        + " \"subjectAltNames\": [\"api.stripe.com\"]}, \"connectTimeout\": \"2s\"}}";
    assertThat(codec.decode(json)).isEqualTo(Fixtures.processor(p -> {}));
  }

  @Test
  void decode_whenOptionalFieldsOmitted_appliesDefaults() throws Exception {
    PolicyResource service = codec.decode("""
        kind: Service
        name: ledger
        spec:
          ports: [{name: http, port: 8080, targetPort: 8081, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/payments/sa/ledger
          pciScope: NONE
        """);
    Service.Spec spec = ((Service) service).spec();
    assertThat(spec.loadBalancing()).isEqualTo(LoadBalancing.ROUND_ROBIN);
    assertThat(spec.dependencies()).isEmpty();
    assertThat(spec.circuitBreakers()).isEmpty();
    assertThat(spec.outlierDetection()).isEmpty();

    AuthorizationPolicy policy = (AuthorizationPolicy) codec.decode("""
        kind: AuthorizationPolicy
        name: deny-all
        spec: {service: ledger, rules: []}
        """);
    assertThat(policy.spec().mode()).isEqualTo(AuthorizationPolicy.EnforcementMode.ENFORCE);
    assertThat(policy.spec().rules()).isEmpty();

    RouteTable table = (RouteTable) codec.decode("""
        kind: RouteTable
        name: ledger
        spec:
          host: ledger
          routes:
            - {name: all, match: {path: {prefix: /}}, destination: {target: ledger}, operation: READ, timeout: 250ms}
        """);
    RouteTable.Route route = table.spec().routes().get(0);
    assertThat(route.match().methods()).isEmpty();
    assertThat(route.match().headers()).isEmpty();
    assertThat(route.retry()).isEmpty();
  }

  @Test
  void decode_whenUnknownFields_reportsEachWithPath() {
    assertThat(errors(Examples.SERVICE
            .replace("targetPort: 9090", "tragetPort: 9090")
            .replace("pciScope: CONNECTED", "pciScope: CONNECTED\n  pci: true")
            + "metadata: {labels: {}}\n"))
        .containsExactly(
            "ports[grpc].targetPort: required",
            "ports[grpc].tragetPort: unknown field",
            "pci: unknown field",
            "metadata: unknown field");
  }

  @Test
  void decode_whenWrongTypes_reportsEachWithPath() {
    assertThat(errors("""
        kind: Service
        name: checkout
        spec:
          ports: [{port: "8443", targetPort: 9090.5, protocol: GRPC}, {name: http, port: 70000000000, targetPort: 1, protocol: HTTP}]
          identity: [spiffe://paymesh.local/ns/a]
          pciScope: 3
          dependencies: payments
          circuitBreakers: 5
        """))
        .containsExactly(
            "ports[0].name: required",
            "ports[0].port: must be an integer",
            "ports[0].targetPort: must be an integer",
            "ports[http].port: must be an integer",
            "identity: must be a string",
            "pciScope: must be one of [CDE, CONNECTED, NONE]",
            "dependencies: must be a list",
            "circuitBreakers: must be an object");
  }

  @Test
  void decode_whenRequiredFieldsMissing_reportsRequired() {
    assertThat(errors("kind: Service\n")).containsExactly("name: required", "spec: required");
    assertThat(errors("name: checkout\nspec: {}\n")).containsExactly("kind: required");
    assertThat(errors("kind: Service\nname: checkout\nspec: {}\n"))
        .containsExactly("ports: required", "identity: required", "pciScope: required");
    assertThat(errors("kind: PaymentProcessor\nname: stripe\nspec: {endpoints: [{}], tls: {}}\n"))
        .containsExactly(
            "endpoints[0].address: required",
            "endpoints[0].port: required",
            "endpoints[0].region: required",
            "endpoints[0].priority: required",
            "tls.sni: required",
            "tls.trustedCaSecret: required",
            "tls.subjectAltNames: required",
            "connectTimeout: required");
  }

  @Test
  void decode_whenKindUnknown_reportsKind() {
    assertThat(errors("kind: VirtualService\nname: x\nspec: {}\n"))
        .containsExactly("kind: must be one of [Service, PaymentProcessor, RouteTable, AuthorizationPolicy, "
            + "PeerAuthentication, RequestAuthentication, RateLimitPolicy, Gateway]");
    assertThat(errors("kind: service\nname: x\nspec: {}\n"))
        .containsExactly("kind: must be one of [Service, PaymentProcessor, RouteTable, AuthorizationPolicy, "
            + "PeerAuthentication, RequestAuthentication, RateLimitPolicy, Gateway]");
  }

  @Test
  void decode_whenEnumsAndDurationsBad_reportsThem() {
    assertThat(errors(Examples.ROUTE_TABLE
            .replace("operation: READ", "operation: read")
            .replace("timeout: 3s", "timeout: 3 s")
            .replace("timeout: 1s", "timeout: 1h")
            .replace("perTryTimeout: 1s", "perTryTimeout: 1")))
        .containsExactly(
            "routes[charge-card].timeout: must be a duration like 250ms, 2s or 1m",
            "routes[charge-card].retry.perTryTimeout: must be a duration like 250ms, 2s or 1m",
            "routes[default].operation: must be one of [READ, IDEMPOTENT_WRITE, NON_IDEMPOTENT_WRITE]",
            "routes[default].timeout: must be a duration like 250ms, 2s or 1m");
    assertThat(errors(Examples.AUTHORIZATION_POLICY.replace("mode: ENFORCE", "mode: AUDIT")))
        .containsExactly("mode: must be one of [ENFORCE, SHADOW]");
  }

  @Test
  void decode_whenEitherOrFieldsBoth_reportsExactlyOne() {
    assertThat(errors(Examples.ROUTE_TABLE
            .replace("path: {exact: /payments.v1.Payments/Charge}",
                "path: {exact: /payments.v1.Payments/Charge, prefix: /}")
            .replace("{name: x-merchant-id, present: true}", "{name: x-merchant-id, present: false}")
            .replace("destination: {target: payments-v1}",
                "destination: {target: payments-v1, stickyBy: x-merchant-id}")))
        .containsExactly(
            "routes[charge-card].match.path: must have exactly one of [exact, prefix]",
            "routes[charge-card].match.headers[x-merchant-id].present: must be true",
            "routes[default].destination.stickyBy: only allowed with split");
    assertThat(errors(Examples.ROUTE_TABLE
            .replace("{name: x-merchant-id, present: true}", "{name: x-merchant-id}")
            .replace("destination: {target: payments-v1}", "destination: {}")))
        .containsExactly(
            "routes[charge-card].match.headers[x-merchant-id]: must have exactly one of [exact, prefix, present]",
            "routes[default].destination: must have exactly one of [target, split]");
  }

  @Test
  void decode_whenStructureValidButRulesBroken_reportsAllValidationErrors() {
    assertThat(errors(Examples.ROUTE_TABLE
            .replace("numRetries: 1, perTryTimeout: 1s", "numRetries: 3, perTryTimeout: 1s")
            .replace("weight: 10", "weight: 5")
            .replace("retryOn: [connect-failure, refused-stream]", "retryOn: [5xx]")))
        .containsExactly(
            "routes[charge-card].destination.split: weights must sum to 100, got 95",
            "routes[charge-card].retry: retry budget (numRetries + 1) x perTryTimeout = 4s exceeds timeout 3s");
  }

  @Test
  void decode_whenStructureBroken_reportsStructureOnly() {
    // The weight sum is wrong too, but rules run only on a document that decoded.
    assertThat(errors(Examples.ROUTE_TABLE.replace("weight: 10", "weight: 5").replace("timeout: 1s", "timeout: soon")))
        .containsExactly("routes[default].timeout: must be a duration like 250ms, 2s or 1m");
  }

  /** The brief's table with one READ route carrying {@code extra} lines (match, fault). */
  private static String readRoute(String match, String extra) {
    return """
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: reads
              match: %s
              destination: {target: payments-v1}
              operation: READ
              timeout: 3s
        %s""".formatted(match, extra.indent(6));
  }

  private RouteTable.Route decodeRoute(String text) throws Exception {
    return ((RouteTable) codec.decode(text)).spec().routes().get(0);
  }

  @Test
  void decode_whenQueryParametersAndApiVersion_returnsThem() throws Exception {
    RouteTable.Route route = decodeRoute(readRoute("""
        {path: {prefix: /v2/payments}, queryParameters: [{name: currency, exact: EUR}, \
        {name: region, prefix: eu}, {name: dry-run, present: true}], \
        apiVersion: {value: v2, in: PATH_PREFIX}}""", ""));
    assertThat(route.match()).isEqualTo(new RouteTable.RouteMatch(
        new PathMatch.Prefix("/v2/payments"), List.of(), List.of(),
        List.of(new QueryParameterMatch("currency", new QueryParameterMatch.Exact("EUR")),
            new QueryParameterMatch("region", new QueryParameterMatch.Prefix("eu")),
            new QueryParameterMatch("dry-run", new QueryParameterMatch.Present())),
        Optional.of(new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX))));
  }

  @Test
  void decode_whenApiVersionInPathAndNoPath_defaultsThePathToTheVersionPrefix() throws Exception {
    RouteTable.Route route = decodeRoute(readRoute("{apiVersion: {value: v2, in: PATH_PREFIX}}", ""));
    assertThat(route.match().path()).isEqualTo(new PathMatch.Prefix("/v2/"));
    assertThat(errors(readRoute("{apiVersion: {value: v2, in: HEADER}}", "")))
        .containsExactly("routes[reads].match.path: required");
    assertThat(errors(readRoute("{apiVersion: {value: v2, in: QUERY}}", "")))
        .containsExactly("routes[reads].match.apiVersion.in: must be one of [PATH_PREFIX, HEADER]");
    assertThat(errors(readRoute("{path: {prefix: /}, apiVersion: {version: v2, in: HEADER}}", "")))
        .containsExactly(
            "routes[reads].match.apiVersion.value: required",
            "routes[reads].match.apiVersion.version: unknown field");
  }

  @Test
  void decode_whenQueryParameterConditionsWrong_reportsExactlyOne() {
    assertThat(errors(readRoute("""
        {path: {prefix: /}, queryParameters: [{name: currency}, \
        {name: region, exact: eu, prefix: e}, {name: dry-run, present: false}]}""", "")))
        .containsExactly(
            "routes[reads].match.queryParameters[currency]: must have exactly one of [exact, prefix, present]",
            "routes[reads].match.queryParameters[region]: must have exactly one of [exact, prefix, present]",
            "routes[reads].match.queryParameters[dry-run].present: must be true");
  }

  @Test
  void decode_whenFault_returnsIt() throws Exception {
    RouteTable.Route route = decodeRoute(readRoute("{path: {prefix: /}}", """
        fault:
          drill: psp-outage
          delay: {duration: 2s, percentage: 50}
          abort: {grpcStatus: UNAVAILABLE, percentage: 100}
          maxActiveFaults: 5
        """));
    assertThat(route.fault()).contains(new FaultInjection("psp-outage",
        Optional.of(new FaultInjection.Delay(Fixtures.seconds(2), 50)),
        Optional.of(new FaultInjection.Abort(
            new FaultInjection.GrpcStatus(FaultInjection.GrpcCode.UNAVAILABLE), 100)),
        5, false));
    RouteTable.Route http = decodeRoute(readRoute("{path: {prefix: /}}", """
        fault: {drill: d, abort: {httpStatus: 503, percentage: 10}, maxActiveFaults: 1}
        """));
    assertThat(http.fault().orElseThrow().abort().orElseThrow().status())
        .isEqualTo(new FaultInjection.HttpStatus(503));
    assertThat(decodeRoute(readRoute("{path: {prefix: /}}", "")).fault()).isEmpty();
  }

  @Test
  void decode_whenFaultStructureWrong_reportsEachWithPath() {
    assertThat(errors(readRoute("{path: {prefix: /}}", """
        fault:
          delay: {duration: 2, percentage: 50}
          abort: {grpcStatus: OK, httpStatus: 503, percentage: 100}
          allowNonIdempotentWrite: yes
          maxActiveFault: 5
        """)))
        .containsExactly(
            "routes[reads].fault.drill: required",
            "routes[reads].fault.delay.duration: must be a duration like 250ms, 2s or 1m",
            "routes[reads].fault.abort: must have exactly one of [httpStatus, grpcStatus]",
            "routes[reads].fault.maxActiveFaults: required",
            "routes[reads].fault.allowNonIdempotentWrite: must be a boolean",
            "routes[reads].fault.maxActiveFault: unknown field");
    assertThat(errors(readRoute("{path: {prefix: /}}", """
        fault: {drill: d, abort: {grpcStatus: OK, percentage: 100}, maxActiveFaults: 1}
        """)))
        .containsExactly("routes[reads].fault.abort.grpcStatus: must be one of [CANCELLED, UNKNOWN, "
            + "INVALID_ARGUMENT, DEADLINE_EXCEEDED, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, "
            + "RESOURCE_EXHAUSTED, FAILED_PRECONDITION, ABORTED, OUT_OF_RANGE, UNIMPLEMENTED, "
            + "INTERNAL, UNAVAILABLE, DATA_LOSS, UNAUTHENTICATED]");
  }

  @Test
  void decode_whenYaml11BooleanWords_keepsThemAsStrings() throws Exception {
    PolicyResource p = codec.decode(Examples.PROCESSOR.replace("region: eu-west-1", "region: no"));
    assertThat(p).isEqualTo(Fixtures.processor(d -> d.endpoints = List.of(
        d.endpoints.get(0), new PaymentProcessor.Endpoint("api-eu.stripe.com", 443, "no", 1))));
    assertThat(errors(Examples.ROUTE_TABLE.replace("present: true", "present: yes")))
        .containsExactly("routes[charge-card].match.headers[x-merchant-id].present: must be a boolean");
    assertThat(errors(Examples.PROCESSOR.replace("region: eu-west-1", "region: 0x1F")))
        .containsExactly("endpoints[1].region: must be a string");
  }

  @Test
  void decode_whenEmptyValues_treatsBareAsAbsentAndQuotedAsEmpty() {
    assertThat(errors(Examples.PROCESSOR.replace("region: eu-west-1", "region:")))
        .containsExactly("endpoints[1].region: required");
    assertThat(errors(Examples.PROCESSOR.replace("region: eu-west-1", "region: ''")))
        .containsExactly("endpoints[1].region: must not be empty");
  }

  @Test
  void decode_whenNotAnObject_reportsRootOrSpec() {
    assertThat(errors("- kind: Service\n")).containsExactly("must be an object");
    assertThat(errors("kind: Service\nname: checkout\nspec: [1]\n")).containsExactly("spec: must be an object");
    assertThat(errors("kind: Service\nname: checkout\nspec:\n  ports: [7]\n  identity: spiffe://a/b\n  pciScope: CDE\n"))
        .containsExactly("ports[0]: must be an object");
  }

  @Test
  void decode_whenSyntaxOrDuplicateKey_reportsParseError() {
    assertThat(errors("kind: Service\nname: [unclosed\n")).singleElement()
        .asString().startsWith("must be valid YAML or JSON: ");
    assertThat(errors("kind: Service\nname: a\nname: b\nspec: {}\n")).singleElement()
        .asString().startsWith("must be valid YAML or JSON: Duplicate field 'name'");
    assertThat(errors("{\"kind\": \"Service\"} {}")).singleElement()
        .asString().startsWith("must be valid YAML or JSON: ");
  }

  @Test
  void decode_whenSyntaxError_neverRepeatsTheDocumentsText() {
    String secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";
    List<String> broken = List.of(
        "kind: Service\nname: x\nspec:\n  key: \"-----BEGIN PRIVATE KEY-----" + secret + "\n",
        "kind: Service\nname: x\nspec:\n  key: " + secret + ": nested: bad\n",
        "kind: Service\nname: x\nspec: {key: " + secret + ", \n",
        "{\"kind\": \"Service\", \"spec\": {\"key\": " + secret + "}}",
        "kind: Service\n\tkey: " + secret + "\n",
        "kind: Service\nspec:\n  - a\n  b: " + secret + "\n",
        "kind: Service\nname: x\nspec:\n  '" + secret + "': [\n");

    for (String document : broken) {
      assertThat(errors(document)).as(document).singleElement().asString()
          .startsWith("must be valid YAML or JSON: ")
          .contains("(line ")
          .doesNotContain(secret)
          .doesNotContain("MIIE")
          .doesNotContain("PRIVATE KEY");
    }
  }

  @Test
  void decode_whenNotExactlyOneDocument_reportsCount() {
    assertThat(errors("")).containsExactly("must contain exactly one document, found 0");
    assertThat(errors(Examples.SERVICE + "---\n" + Examples.PROCESSOR))
        .containsExactly("must contain exactly one document, found 2");
  }
}
