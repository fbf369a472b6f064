package io.paymesh.config.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.validation.Fixtures;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Decoding PeerAuthentication, RequestAuthentication and RateLimitPolicy documents. */
class PolicyCodecAccessAndLimitKindsTest {
  private final PolicyCodec codec = new PolicyCodec();

  private List<String> errors(String text) {
    PolicyValidationException e =
        catchThrowableOfType(PolicyValidationException.class, () -> codec.decode(text));
    assertThat(e).as("decode should fail").isNotNull();
    return e.errors().stream().map(ValidationError::toString).toList();
  }

  @Test
  void decode_whenReferenceExamples_returnsTheRecords() throws Exception {
    assertThat(codec.decode(Examples.PEER_AUTHENTICATION))
        .isEqualTo(Fixtures.peerAuthentication(p -> {}));
    assertThat(codec.decode(Examples.REQUEST_AUTHENTICATION))
        .isEqualTo(Fixtures.requestAuthentication(a -> {}));
    assertThat(codec.decode(Examples.RATE_LIMIT_POLICY))
        .isEqualTo(Fixtures.rateLimitPolicy(r -> {}));
  }

  @Test
  void decodeAll_whenEveryKindInOneStream_returnsThemInOrder() throws Exception {
    List<PolicyResource> all = codec.decodeAll(Examples.SERVICE + "---\n" + Examples.PEER_AUTHENTICATION
        + "---\n" + Examples.REQUEST_AUTHENTICATION + "---\n" + Examples.RATE_LIMIT_POLICY);
    assertThat(all).containsExactly(
        Fixtures.service(s -> {}),
        Fixtures.peerAuthentication(p -> {}),
        Fixtures.requestAuthentication(a -> {}),
        Fixtures.rateLimitPolicy(r -> {}));
  }

  @Test
  void decode_whenJson_returnsTheRecord() throws Exception {
    assertThat(codec.decode("{\"kind\":\"PeerAuthentication\",\"name\":\"payments-mtls\","
            + "\"spec\":{\"service\":\"payments-v1\",\"mode\":\"STRICT\"}}"))
        .isEqualTo(Fixtures.peerAuthentication(p -> {}));
  }

  @Test
  void decode_whenJwksCacheDurationOmitted_isEmpty() throws Exception {
    RequestAuthentication r = (RequestAuthentication) codec.decode(
        Examples.REQUEST_AUTHENTICATION.replace("      jwksCacheDuration: 5m\n", ""));
    assertThat(r.spec().issuers().get(0).remoteJwks().orElseThrow().cacheDuration())
        .isEqualTo(Optional.empty());
  }

  @Test
  void decode_whenPeerModeMissingOrUnknown_reportsMode() {
    assertThat(errors(Examples.PEER_AUTHENTICATION.replace("  mode: STRICT\n", "")))
        .containsExactly("mode: required");
    assertThat(errors(Examples.PEER_AUTHENTICATION.replace("mode: STRICT", "mode: DISABLE")))
        .containsExactly("mode: must be one of [STRICT, PERMISSIVE]");
  }

  @Test
  void decode_whenRequiredFieldsMissing_reportsEachRequired() {
    assertThat(errors("kind: RequestAuthentication\nname: jwt\nspec:\n  issuers: [{}]\n"))
        .containsExactly(
            "service: required",
            "issuers[0].issuer: required",
            "issuers[0].audiences: required",
            "issuers[0]: must have exactly one of [jwksUri, jwks]");
    assertThat(errors("kind: RateLimitPolicy\nname: limits\nspec:\n  limits: [{name: l}]\n"))
        .containsExactly(
            "service: required",
            "limits[l].key: required",
            "limits[l].tokens: required",
            "limits[l].interval: required",
            "limits[l].burst: required");
    assertThat(errors("kind: RateLimitPolicy\nname: limits\nspec:\n  service: payments\n"))
        .containsExactly("limits: required");
  }

  /** An EC P-256 public key (RFC 7517 appendix A.1): public members only. */
  static final String EC_PUBLIC_JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
      + "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
      + "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\",\"kid\":\"merchant-2026\"}]}";

  private static String withInlineJwks(String jwks) {
    return Examples.REQUEST_AUTHENTICATION.replace(
        "      jwksUri: https://auth.paymesh.example/.well-known/jwks.json\n"
            + "      jwksCacheDuration: 5m\n",
        "      jwks: '" + jwks + "'\n");
  }

  @Test
  void decode_whenInlineJwks_keepsTheText_andRoundTrips() throws Exception {
    RequestAuthentication r = (RequestAuthentication) codec.decode(withInlineJwks(EC_PUBLIC_JWKS));
    assertThat(r.spec().issuers().get(0).jwks())
        .isEqualTo(new RequestAuthentication.Jwks.Inline(EC_PUBLIC_JWKS));
    assertThat(r.spec().issuers().get(0).remoteJwks()).isEmpty();
    assertThat(codec.toJson(r)).contains(",\"jwks\":\"{\\\"keys\\\":")
        .doesNotContain("jwksUri").doesNotContain("jwksCacheDuration");
    assertThat(codec.decode(codec.toJson(r))).isEqualTo(r);
    assertThat(codec.decode(codec.toYaml(r))).isEqualTo(r);
  }

  @Test
  void decode_whenBothOrNeitherKeySource_reportsExactlyOne() {
    assertThat(errors(Examples.REQUEST_AUTHENTICATION.replace(
            "      jwksCacheDuration: 5m\n", "      jwks: '" + EC_PUBLIC_JWKS + "'\n")))
        .containsExactly("issuers[0]: must have exactly one of [jwksUri, jwks]");
    assertThat(errors(Examples.REQUEST_AUTHENTICATION.replace(
            "      jwksUri: https://auth.paymesh.example/.well-known/jwks.json\n", "")))
        .containsExactly("issuers[0]: must have exactly one of [jwksUri, jwks]");
  }

  @Test
  void decode_whenCacheDurationWithInlineKeys_reportsOnlyWithJwksUri() {
    assertThat(errors(withInlineJwks(EC_PUBLIC_JWKS) + "      jwksCacheDuration: 5m\n"))
        .containsExactly("issuers[0].jwksCacheDuration: only allowed with jwksUri (inline keys"
            + " are not fetched)");
  }

  @Test
  void decode_whenInlineJwksNotAString_reportsMustBeAString() {
    assertThat(errors(Examples.REQUEST_AUTHENTICATION.replace(
            "      jwksUri: https://auth.paymesh.example/.well-known/jwks.json\n"
                + "      jwksCacheDuration: 5m\n",
            "      jwks: {keys: []}\n")))
        .containsExactly("issuers[0].jwks: must be a string");
  }

  @Test
  void decode_whenRateLimitKeyHasBothOrNeither_reportsExactlyOne() {
    assertThat(errors(Examples.RATE_LIMIT_POLICY
            .replace("key: {header: x-merchant-id}", "key: {header: x-merchant-id, caller: true}")
            .replace("key: {caller: true}", "key: {}")))
        .containsExactly(
            "limits[merchant-charges].key: must have exactly one of [header, caller]",
            "limits[per-caller].key: must have exactly one of [header, caller]");
  }

  @Test
  void decode_whenRateLimitKeyMalformed_reportsIt() {
    assertThat(errors(Examples.RATE_LIMIT_POLICY
            .replace("key: {header: x-merchant-id}", "key: {header: 42}")
            .replace("key: {caller: true}", "key: {caller: false}")))
        .containsExactly(
            "limits[merchant-charges].key.header: must be a string",
            "limits[per-caller].key.caller: must be true");
    assertThat(errors(Examples.RATE_LIMIT_POLICY
            .replace("key: {caller: true}", "key: {caller: yes, merchant: true}")))
        .containsExactly(
            "limits[per-caller].key.caller: must be a boolean",
            "limits[per-caller].key.merchant: unknown field");
    assertThat(errors(Examples.RATE_LIMIT_POLICY.replace("key: {caller: true}", "key: caller")))
        .containsExactly("limits[per-caller].key: must be an object");
  }

  @Test
  void decode_whenRateLimitStructureBad_reportsStructureOnly() {
    // burst < tokens breaks a rule too, but rules run only on a document that decoded.
    assertThat(errors(Examples.RATE_LIMIT_POLICY
            .replace("path: {exact: /payments.v1.Payments/Charge}", "path: {exact: /a, prefix: /}")
            .replace("tokens: 100\n", "tokens: 1.5\n")
            .replace("interval: 1s", "interval: 1h")
            .replace("burst: 1000", "burst: 1")))
        .containsExactly(
            "limits[merchant-charges].path: must have exactly one of [exact, prefix]",
            "limits[merchant-charges].tokens: must be an integer",
            "limits[merchant-charges].interval: must be a duration like 250ms, 2s or 1m");
  }

  @Test
  void decode_whenRulesBroken_reportsValidationErrors() {
    assertThat(errors(Examples.RATE_LIMIT_POLICY
            .replace("burst: 200", "burst: 50")
            .replace("key: {header: x-merchant-id}", "key: {header: X-Merchant-Id}")
            .replace("name: per-caller", "name: merchant-charges")))
        .containsExactly(
            "limits[merchant-charges].name: duplicate name",
            "limits[merchant-charges].key.header: must be a lowercase HTTP header name "
                + "(a-z, 0-9 and !#$%&'*+-.^_`|~)",
            "limits[merchant-charges].burst: must be >= tokens (100)");
    assertThat(errors(Examples.REQUEST_AUTHENTICATION
            .replace("jwksUri: https://", "jwksUri: http://")
            .replace("jwksCacheDuration: 5m", "jwksCacheDuration: 0s")))
        .containsExactly(
            "issuers[0].jwksUri: must be an https:// URL with a host",
            "issuers[0].jwksCacheDuration: must be > 0");
  }
}
