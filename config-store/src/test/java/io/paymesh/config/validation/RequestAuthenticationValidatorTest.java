package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.jwtIssuer;
import static io.paymesh.config.validation.Fixtures.requestAuthentication;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.PolicyResource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestAuthenticationValidatorTest {
  private static final String HTTPS_URL = "must be an https:// URL with a host";
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  @Test
  void validate_whenReferenceExample_reportsNothing() {
    assertThat(errors(requestAuthentication(a -> {}))).isEmpty();
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(
        jwtIssuer(i -> i.jwksCacheDuration = Optional.empty()),
        jwtIssuer(i -> {
          i.issuer = "partner-idp";
          i.audiences = List.of("payments-api", "refunds-api");
          i.jwksUri = "https://idp.partner.example:8443/keys?format=jwks";
        })))))
        .isEmpty();
  }

  @Test
  void validate_whenServiceInvalid_reportsService() {
    assertThat(errors(requestAuthentication(a -> a.service = "API_gateway")))
        .containsExactly("service: " + Messages.DNS_LABEL);
  }

  @Test
  void validate_whenIssuersEmpty_reportsNotEmpty() {
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of())))
        .containsExactly("issuers: must not be empty");
  }

  @Test
  void validate_whenIssuerEmptyOrDuplicated_reportsIssuer() {
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(
        jwtIssuer(i -> i.issuer = ""),
        jwtIssuer(i -> {}),
        jwtIssuer(i -> i.audiences = List.of("other"))))))
        .containsExactly(
            "issuers[0].issuer: must not be empty",
            "issuers[2].issuer: duplicate issuer");
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(jwtIssuer(i -> i.issuer = null)))))
        .containsExactly("issuers[0].issuer: required");
  }

  @Test
  void validate_whenAudiencesEmptyBlankOrDuplicated_reportsAudiences() {
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(jwtIssuer(i -> i.audiences = List.of())))))
        .containsExactly("issuers[0].audiences: must not be empty");
    assertThat(errors(requestAuthentication(a -> a.issuers =
            List.of(jwtIssuer(i -> i.audiences = List.of("payments-api", "", "payments-api"))))))
        .containsExactly(
            "issuers[0].audiences[1]: must not be empty",
            "issuers[0].audiences[2]: duplicate audience");
  }

  @Test
  void validate_whenJwksUriNotHttps_reportsHttpsUrl() {
    for (String uri : List.of(
        "http://auth.paymesh.example/jwks.json",
        "HTTPS://auth.paymesh.example/jwks.json",
        "auth.paymesh.example/jwks.json",
        "https:///jwks.json",
        "https://",
        "https:auth.paymesh.example",
        "https://auth paymesh/jwks.json",
        "file:///etc/jwks.json",
        "")) {
      assertThat(errors(requestAuthentication(a -> a.issuers = List.of(jwtIssuer(i -> i.jwksUri = uri)))))
          .as(uri)
          .containsExactly("issuers[0].jwksUri: " + HTTPS_URL);
    }
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(jwtIssuer(i -> i.jwksUri = null)))))
        .containsExactly("issuers[0].jwksUri: required");
  }

  @Test
  void validate_whenJwksUriCarriesCredentials_reportsCredentials() {
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(
        jwtIssuer(i -> i.jwksUri = "https://svc:s3cret@auth.paymesh.example/jwks.json")))))
        .containsExactly("issuers[0].jwksUri: must not contain credentials (user info)");
  }

  @Test
  void validate_whenJwksCacheDurationNotPositive_reportsPositive() {
    assertThat(errors(requestAuthentication(a -> a.issuers =
            List.of(jwtIssuer(i -> i.jwksCacheDuration = Optional.of(Duration.ZERO))))))
        .containsExactly("issuers[0].jwksCacheDuration: must be > 0");
  }

  @Test
  void validate_whenSeveralIssuersBroken_reportsEveryError() {
    assertThat(errors(requestAuthentication(a -> a.issuers = List.of(
        jwtIssuer(i -> i.jwksUri = "http://a/keys"),
        jwtIssuer(i -> {
          i.issuer = "other";
          i.audiences = List.of();
          i.jwksCacheDuration = Optional.of(Duration.ofMillis(-1));
        })))))
        .containsExactly(
            "issuers[0].jwksUri: " + HTTPS_URL,
            "issuers[1].audiences: must not be empty",
            "issuers[1].jwksCacheDuration: must be > 0");
  }
}
