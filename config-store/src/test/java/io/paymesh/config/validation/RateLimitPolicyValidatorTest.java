package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.rateLimit;
import static io.paymesh.config.validation.Fixtures.rateLimitPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RateLimitPolicy.Key;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimitPolicyValidatorTest {
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  @Test
  void validate_whenReferenceExample_reportsNothing() {
    assertThat(errors(rateLimitPolicy(p -> {}))).isEmpty();
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> {
      l.path = Optional.of(new PathMatch.Prefix("/payments.v1.Payments/"));
      l.tokens = 1;
      l.burst = 1;
      l.interval = Duration.ofMillis(50);
    })))))
        .isEmpty();
  }

  @Test
  void validate_whenServiceInvalid_reportsService() {
    assertThat(errors(rateLimitPolicy(p -> p.service = "-payments")))
        .containsExactly("service: " + Messages.DNS_LABEL);
  }

  @Test
  void validate_whenLimitsEmpty_reportsNotEmpty() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of())))
        .containsExactly("limits: must not be empty");
  }

  @Test
  void validate_whenLimitNamesDuplicatedOrInvalid_reportsName() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> {}), rateLimit(l -> {})))))
        .containsExactly("limits[merchant-charges].name: duplicate name");
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.name = "Charges")))))
        .containsExactly("limits[Charges].name: " + Messages.DNS_LABEL);
  }

  @Test
  void validate_whenTokensBelowOne_reportsTokens() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.tokens = 0)))))
        .containsExactly("limits[merchant-charges].tokens: must be >= 1");
  }

  @Test
  void validate_whenTokensAndBurstBelowOne_reportsBoth() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> {
      l.tokens = -5;
      l.burst = 0;
    })))))
        .containsExactly(
            "limits[merchant-charges].tokens: must be >= 1",
            "limits[merchant-charges].burst: must be >= 1");
  }

  @Test
  void validate_whenIntervalNotPositive_reportsPositive() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.interval = Duration.ZERO)))))
        .containsExactly("limits[merchant-charges].interval: must be > 0");
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.interval = null)))))
        .containsExactly("limits[merchant-charges].interval: required");
  }

  @Test
  void validate_whenIntervalBelowEnvoyMinimum_reportsMinimum() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.interval = Duration.ofMillis(49))))))
        .containsExactly("limits[merchant-charges].interval: must be >= 50ms");
  }

  @Test
  void validate_whenBurstBelowTokens_reportsBurst() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.burst = 99)))))
        .containsExactly("limits[merchant-charges].burst: must be >= tokens (100)");
  }

  @Test
  void validate_whenKeyMissingOrHeaderInvalid_reportsKey() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.key = null)))))
        .containsExactly("limits[merchant-charges].key: required");
    for (String header : List.of("X-Merchant-Id", "x merchant", "", "x-merchant:")) {
      assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.key = new Key.Header(header))))))
          .as(header)
          .containsExactly("limits[merchant-charges].key.header: " + Messages.HEADER_NAME);
    }
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.key = new Key.Header(null))))))
        .containsExactly("limits[merchant-charges].key.header: required");
  }

  @Test
  void validate_whenKeyHeaderCarriesCredentials_reportsCredentialHeader() {
    for (String header : List.of("authorization", "proxy-authorization", "cookie")) {
      assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> l.key = new Key.Header(header))))))
          .as(header)
          .containsExactly("limits[merchant-charges].key.header: "
              + "must not be a credential header (authorization, proxy-authorization, cookie)");
    }
  }

  @Test
  void validate_whenPathDoesNotStartWithSlash_reportsPath() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(
        rateLimit(l -> l.path = Optional.of(new PathMatch.Exact("payments.v1.Payments/Charge"))),
        rateLimit(l -> {
          l.name = "refunds";
          l.path = Optional.of(new PathMatch.Prefix("refunds"));
        })))))
        .containsExactly(
            "limits[merchant-charges].path.exact: must start with '/'",
            "limits[refunds].path.prefix: must start with '/'");
  }

  @Test
  void validate_whenLimitNameNotPathSafe_namesItByIndex() {
    assertThat(errors(rateLimitPolicy(p -> p.limits = List.of(rateLimit(l -> {
      l.name = "per merchant";
      l.tokens = 0;
    })))))
        .containsExactly(
            "limits[0].name: " + Messages.DNS_LABEL,
            "limits[0].tokens: must be >= 1");
  }
}
