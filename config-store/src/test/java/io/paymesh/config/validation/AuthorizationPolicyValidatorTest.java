package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.authorizationPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.AuthorizationPolicy.RequestMatch;
import io.paymesh.config.model.AuthorizationPolicy.Rule;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PolicyResource;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthorizationPolicyValidatorTest {
  private static final PathMatch CHARGE = new PathMatch.Exact("/payments.v1.Payments/Charge");
  private static final List<RequestMatch> TO = List.of(new RequestMatch(List.of(), List.of(CHARGE)));
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  @Test
  void validate_whenPolicyIsTheBriefExample_reportsNothing() {
    assertThat(errors(authorizationPolicy(a -> {}))).isEmpty();
  }

  @Test
  void validate_whenRulesEmpty_reportsNothingBecauseItDeniesAll() {
    assertThat(errors(authorizationPolicy(a -> a.rules = List.of()))).isEmpty();
  }

  @Test
  void validate_whenServiceInvalid_reportsService() {
    assertThat(errors(authorizationPolicy(a -> a.service = "Payments")))
        .containsExactly("service: " + Messages.DNS_LABEL);
    assertThat(errors(authorizationPolicy(a -> a.mode = null))).containsExactly("mode: required");
  }

  @Test
  void validate_whenRuleNamesDuplicated_reportsDuplicateName() {
    Rule rule = new Rule("charges", List.of("checkout"), TO);
    assertThat(errors(authorizationPolicy(a -> a.rules = List.of(rule, rule))))
        .containsExactly("rules[charges].name: duplicate name");
  }

  @Test
  void validate_whenCallerIsWildcard_reportsWildcard() {
    assertThat(errors(authorizationPolicy(a -> a.rules =
            List.of(new Rule("all", List.of("checkout", "*"), TO)))))
        .containsExactly("rules[all].callers[1]: must name a service; wildcard callers are not allowed");
  }

  @Test
  void validate_whenCallersEmptyOrInvalid_reportsCallers() {
    assertThat(errors(authorizationPolicy(a -> a.rules = List.of(new Rule("r", List.of(), TO)))))
        .containsExactly("rules[r].callers: must not be empty");
    assertThat(errors(authorizationPolicy(a -> a.rules =
            List.of(new Rule("r", List.of("spiffe://x/y", "checkout", "checkout"), TO)))))
        .containsExactly(
            "rules[r].callers[0]: " + Messages.DNS_LABEL,
            "rules[r].callers[2]: duplicate caller");
  }

  @Test
  void validate_whenToEmpty_reportsTo() {
    assertThat(errors(authorizationPolicy(a -> a.rules =
            List.of(new Rule("r", List.of("checkout"), List.of())))))
        .containsExactly("rules[r].to: must not be empty");
  }

  @Test
  void validate_whenRequestMatchBad_reportsPathsAndMethods() {
    List<RequestMatch> to = List.of(
        new RequestMatch(List.of("POST"), List.of()),
        new RequestMatch(List.of("GET", "FETCH"),
            List.of(CHARGE, new PathMatch.Prefix("payments"))));
    assertThat(errors(authorizationPolicy(a -> a.rules = List.of(new Rule("r", List.of("checkout"), to)))))
        .containsExactly(
            "rules[r].to[0].paths: must not be empty",
            "rules[r].to[1].methods[1]: must be one of [GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS]",
            "rules[r].to[1].paths[1].prefix: must start with '/'");
  }

  @Test
  void validate_whenSeveralRulesWrong_reportsAllAtOnce() {
    assertThat(errors(authorizationPolicy(a -> {
      a.name = "";
      a.rules = List.of(
          new Rule("Bad Rule", List.of("*"), TO),
          new Rule("ok", List.of("checkout"), List.of()));
    }))).containsExactly(
        "name: " + Messages.DNS_LABEL,
        "rules[0].name: " + Messages.DNS_LABEL,
        "rules[0].callers[0]: " + Messages.WILDCARD_CALLER,
        "rules[ok].to: must not be empty");
  }
}
