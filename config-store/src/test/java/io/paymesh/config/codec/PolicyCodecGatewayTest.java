package io.paymesh.config.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.validation.Fixtures;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Decoding and encoding Gateway documents. */
class PolicyCodecGatewayTest {
  private final PolicyCodec codec = new PolicyCodec();

  private List<String> errors(String text) {
    PolicyValidationException e =
        catchThrowableOfType(PolicyValidationException.class, () -> codec.decode(text));
    assertThat(e).as("decode should fail").isNotNull();
    return e.errors().stream().map(ValidationError::toString).toList();
  }

  @Test
  void decode_whenReferenceExample_returnsTheRecord() throws Exception {
    assertThat(codec.decode(Examples.GATEWAY)).isEqualTo(Fixtures.gateway(g -> {}));
  }

  @Test
  void decode_whenInAndStatusOmitted_defaultsToPathPrefixAndActive() throws Exception {
    Gateway gateway = (Gateway) codec.decode(Examples.GATEWAY);
    Gateway.Version v2 = gateway.spec().apis().get(0).versions().get(1);
    assertThat(v2.match()).isEqualTo(new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX));
    assertThat(v2.status()).isEqualTo(Gateway.Status.ACTIVE);
  }

  @Test
  void decode_whenDatesQuoted_readsTheSameDates() throws Exception {
    Gateway gateway = (Gateway) codec.decode(Examples.GATEWAY
        .replace("deprecatedOn: 2026-06-01", "deprecatedOn: '2026-06-01'")
        .replace("sunset: 2027-06-30", "sunset: \"2027-06-30\""));
    Gateway.Version v1 = gateway.spec().apis().get(0).versions().get(0);
    assertThat(v1.deprecatedOn()).contains(LocalDate.of(2026, 6, 1));
    assertThat(v1.sunset()).contains(LocalDate.of(2027, 6, 30));
  }

  @Test
  void decode_whenDateMalformed_reportsDate() {
    assertThat(errors(Examples.GATEWAY.replace("sunset: 2027-06-30", "sunset: 2027-13-01")))
        .containsExactly("apis[payments].versions[v1].sunset: " + GatewayMapper.DATE);
    assertThat(errors(Examples.GATEWAY.replace("sunset: 2027-06-30", "sunset: 20270630")))
        .containsExactly("apis[payments].versions[v1].sunset: " + GatewayMapper.DATE);
  }

  @Test
  void decode_whenUnknownFieldOrBadStatus_reportsThem() {
    assertThat(errors(Examples.GATEWAY.replace("status: DEPRECATED", "status: OLD")))
        .containsExactly("apis[payments].versions[v1].status: must be one of [ACTIVE, DEPRECATED, RETIRED]");
    assertThat(errors(Examples.GATEWAY.replace("{name: https, port: 8443}",
            "{name: https, port: 8443, certificate: inline}")))
        .containsExactly("listeners[https].certificate: unknown field");
  }

  @Test
  void decode_whenRequiredMissing_reportsEach() {
    assertThat(errors("kind: Gateway\nname: g\nspec: {}\n"))
        .containsExactly("service: required", "listeners: required", "apis: required");
  }

  @Test
  void roundTrip_whenRetiredHeaderVersion_keepsEveryField() throws Exception {
    Gateway retired = Fixtures.gateway(g -> g.apis = List.of(Fixtures.api(
        new Gateway.Version(new ApiVersionMatch("2023-01-01", ApiVersionMatch.In.HEADER),
            Gateway.Status.RETIRED, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.of(LocalDate.of(2025, 1, 31))),
        Fixtures.activeVersion("v2", "payments-v2"))));

    assertThat(codec.decode(codec.toJson(retired))).isEqualTo(retired);
    assertThat(codec.decode(codec.toYaml(retired))).isEqualTo(retired);
    assertThat(codec.toJson(retired)).contains(
        "{\"name\":\"2023-01-01\",\"in\":\"HEADER\",\"status\":\"RETIRED\",\"sunset\":\"2025-01-31\"}");
  }

  @Test
  void roundTrip_whenIssuersScopesClockSkewAndClaims_keepsThem() throws Exception {
    String gateway = Examples.GATEWAY.replace("{name: v2, backend: payments-v2, timeout: 5s}",
        "{name: v2, backend: payments-v2, timeout: 5s, issuers: [https://auth.paymesh.example],"
            + " scopes: [payments.write]}");
    Gateway decoded = (Gateway) codec.decode(gateway);
    assertThat(decoded.spec().apis().get(0).versions().get(1).scopes())
        .containsExactly("payments.write");
    assertThat(codec.decode(codec.toJson(decoded))).isEqualTo(decoded);

    String jwt = """
        kind: RequestAuthentication
        name: edge-jwt
        spec:
          service: edge
          issuers:
            - issuer: https://auth.paymesh.example
              audiences: [payments-api]
              jwksUri: https://auth.paymesh.example/.well-known/jwks.json
              clockSkew: 30s
              claimToHeaders: [{claim: merchant_id, header: x-merchant-id}]
        """;
    io.paymesh.config.model.RequestAuthentication ra =
        (io.paymesh.config.model.RequestAuthentication) codec.decode(jwt);
    assertThat(ra.spec().issuers().get(0).claimToHeaders()).containsExactly(
        new io.paymesh.config.model.RequestAuthentication.ClaimToHeader("merchant_id",
            "x-merchant-id"));
    assertThat(codec.decode(codec.toYaml(ra))).isEqualTo(ra);
    assertThat(codec.toJson(ra)).contains(
        "\"clockSkew\":\"30s\",\"claimToHeaders\":[{\"claim\":\"merchant_id\",\"header\":\"x-merchant-id\"}]");
  }

  @Test
  void roundTrip_whenCors_keepsIt() throws Exception {
    Gateway decoded = (Gateway) codec.decode(Examples.GATEWAY.replace(
        "{name: v2, backend: payments-v2, timeout: 5s}",
        "{name: v2, backend: payments-v2, timeout: 5s, cors: {allowOrigins:"
            + " [https://checkout.merchant.example], allowMethods: [POST], maxAge: 10m}}"));
    Gateway.Cors cors = decoded.spec().apis().get(0).versions().get(1).cors().orElseThrow();
    assertThat(cors.allowOrigins()).containsExactly("https://checkout.merchant.example");
    assertThat(cors.allowHeaders()).isEmpty();
    assertThat(codec.decode(codec.toJson(decoded))).isEqualTo(decoded);
    assertThat(codec.toJson(decoded)).contains("\"cors\":{\"allowOrigins\":"
        + "[\"https://checkout.merchant.example\"],\"allowMethods\":[\"POST\"],\"maxAge\":\"10m\"}");
  }

  @Test
  void decode_whenSensitiveHeaders_readsThemInOrder_andRoundTrips() throws Exception {
    String text = Examples.GATEWAY + "  sensitiveHeaders: [x-card-number, x-cardholder-name]\n";
    Gateway gateway = (Gateway) codec.decode(text);
    assertThat(gateway).isEqualTo(Fixtures.gateway(
        g -> g.sensitiveHeaders = List.of("x-card-number", "x-cardholder-name")));
    assertThat(codec.toJson(gateway))
        .endsWith(",\"sensitiveHeaders\":[\"x-card-number\",\"x-cardholder-name\"]}}");
    assertThat(codec.decode(codec.toJson(gateway))).isEqualTo(gateway);
    assertThat(codec.decode(codec.toYaml(gateway))).isEqualTo(gateway);
  }

  @Test
  void encode_whenNoSensitiveHeaders_omitsTheField() throws Exception {
    assertThat(codec.toJson(codec.decode(Examples.GATEWAY))).doesNotContain("sensitiveHeaders");
  }

  @Test
  void decode_whenSensitiveHeadersNotAList_reportsMustBeAList() {
    assertThat(errors(Examples.GATEWAY + "  sensitiveHeaders: x-card-number\n"))
        .containsExactly("sensitiveHeaders: must be a list");
  }

  private static final String CACHED_V2 = Examples.GATEWAY.replace(
      "- {name: v2, backend: payments-v2, timeout: 5s}\n",
      "- name: v2\n"
          + "          backend: payments-v2\n"
          + "          timeout: 5s\n"
          + "          cache:\n"
          + "            - name: fx-rates\n"
          + "              path: {prefix: /v2/fx-rates/}\n"
          + "              varyOn: [accept-language]\n"
          + "            - name: currencies\n"
          + "              path: {exact: /v2/currencies}\n"
          + "              methods: [GET]\n");

  @Test
  void decode_whenCachedReads_defaultsMethodsToGetAndHead_andRoundTrips() throws Exception {
    Gateway gateway = (Gateway) codec.decode(CACHED_V2);
    Gateway.Version v2 = gateway.spec().apis().get(0).versions().get(1);
    assertThat(v2.cache()).containsExactly(
        new Gateway.CachedRead("fx-rates", new PathMatch.Prefix("/v2/fx-rates/"),
            List.of("GET", "HEAD"), List.of("accept-language")),
        new Gateway.CachedRead("currencies", new PathMatch.Exact("/v2/currencies"),
            List.of("GET"), List.of()));
    assertThat(codec.toJson(gateway)).contains("\"cache\":[{\"name\":\"fx-rates\","
        + "\"path\":{\"prefix\":\"/v2/fx-rates/\"},\"methods\":[\"GET\",\"HEAD\"],"
        + "\"varyOn\":[\"accept-language\"]},{\"name\":\"currencies\","
        + "\"path\":{\"exact\":\"/v2/currencies\"},\"methods\":[\"GET\"]}]");
    assertThat(codec.decode(codec.toJson(gateway))).isEqualTo(gateway);
    assertThat(codec.decode(codec.toYaml(gateway))).isEqualTo(gateway);
  }

  @Test
  void decode_whenCachedReadMalformed_reportsByName() {
    assertThat(errors(CACHED_V2.replace("path: {prefix: /v2/fx-rates/}",
            "path: {prefix: /v2/fx-rates/, exact: /v2/fx}")
        .replace("methods: [GET]", "methods: GET")))
        .containsExactly(
            "apis[payments].versions[v2].cache[fx-rates].path: must have exactly one of [exact, prefix]",
            "apis[payments].versions[v2].cache[currencies].methods: must be a list");
  }
}
