package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.gateway;
import static io.paymesh.config.validation.Fixtures.requestAuthentication;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RequestAuthentication.ClaimToHeader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Clock skew and claim headers of a RequestAuthentication; issuers and scopes of a version. */
class GatewayAuthValidatorTest {
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  private static RequestAuthentication withIssuer(Optional<Duration> skew,
      List<ClaimToHeader> claims) {
    return requestAuthentication(a -> a.issuers = List.of(new RequestAuthentication.JwtIssuer(
        "https://auth.paymesh.example", List.of("payments-api"),
        "https://auth.paymesh.example/keys", Optional.empty(), skew, claims)));
  }

  private static Gateway withVersion(List<String> issuers, List<String> scopes) {
    return gateway(g -> g.apis = List.of(Fixtures.api(new Gateway.Version(
        new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX), Gateway.Status.ACTIVE,
        Optional.of("payments-v2"), Optional.of(Duration.ofSeconds(1)), Optional.empty(),
        Optional.empty(), issuers, scopes))));
  }

  @Test
  void validate_whenClockSkewAndClaimsValid_reportsNothing() {
    assertThat(errors(withIssuer(Optional.of(Duration.ofSeconds(30)),
        List.of(new ClaimToHeader("merchant_id", "x-merchant-id"),
            new ClaimToHeader("org.tier", "x-merchant-tier"))))).isEmpty();
  }

  @Test
  void validate_whenClockSkewFractionalOrLong_reportsIt() {
    assertThat(errors(withIssuer(Optional.of(Duration.ofMillis(1500)), List.of())))
        .containsExactly("issuers[0].clockSkew: must be whole seconds");
    assertThat(errors(withIssuer(Optional.of(Duration.ofMinutes(6)), List.of())))
        .containsExactly("issuers[0].clockSkew: must be <= 5m");
  }

  @Test
  void validate_whenClaimHeaderReservedOrDuplicated_reportsIt() {
    assertThat(errors(withIssuer(Optional.empty(), List.of(
        new ClaimToHeader("sub", "authorization"),
        new ClaimToHeader("drill", "x-paymesh-drill"),
        new ClaimToHeader("merchant_id", "x-merchant-id"),
        new ClaimToHeader("mid", "x-merchant-id"),
        new ClaimToHeader("a b", "X-Bad")))))
        .containsExactly(
            "issuers[0].claimToHeaders[0].header: " + RequestAuthenticationValidator.RESERVED_HEADER,
            "issuers[0].claimToHeaders[1].header: " + RequestAuthenticationValidator.RESERVED_HEADER,
            "issuers[0].claimToHeaders[3].header: duplicate header",
            "issuers[0].claimToHeaders[4].claim: " + RequestAuthenticationValidator.CLAIM_NAME,
            "issuers[0].claimToHeaders[4].header: " + Messages.HEADER_NAME);
  }

  @Test
  void validate_whenVersionScopesOrIssuersBad_reportsThem() {
    assertThat(errors(withVersion(List.of("https://a", "https://a"),
        List.of("payments.write", "two words", "payments.write"))))
        .containsExactly(
            "apis[payments].versions[v2].issuers[1]: duplicate issuer",
            "apis[payments].versions[v2].scopes[1]: must not be empty or contain whitespace",
            "apis[payments].versions[v2].scopes[2]: duplicate scope");
  }

  @Test
  void validate_whenCorsOriginsMethodsOrMaxAgeBad_reportsThem() {
    Gateway.Cors cors = new Gateway.Cors(
        List.of("https://checkout.merchant.example", "*", "https://shop.example/pay"),
        List.of("POST", "TRACE"), List.of("authorization", "Bad Header"),
        Optional.of(Duration.ofHours(25)));
    Gateway gateway = gateway(g -> g.apis = List.of(Fixtures.api(new Gateway.Version(
        new ApiVersionMatch("v2", ApiVersionMatch.In.PATH_PREFIX), Gateway.Status.ACTIVE,
        Optional.of("payments-v2"), Optional.of(Duration.ofSeconds(1)), Optional.empty(),
        Optional.empty(), List.of(), List.of(), Optional.of(cors)))));

    assertThat(errors(gateway)).containsExactly(
        "apis[payments].versions[v2].cors.allowOrigins[1]: " + GatewayValidator.ORIGIN,
        "apis[payments].versions[v2].cors.allowOrigins[2]: " + GatewayValidator.ORIGIN,
        "apis[payments].versions[v2].cors.allowMethods[1]: " + GatewayValidator.CORS_METHOD,
        "apis[payments].versions[v2].cors.allowHeaders[1]: " + Messages.HEADER_NAME,
        "apis[payments].versions[v2].cors.maxAge: " + GatewayValidator.MAX_AGE);
  }
}
