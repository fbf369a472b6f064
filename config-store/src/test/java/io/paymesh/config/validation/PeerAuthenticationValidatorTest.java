package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.peerAuthentication;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.PolicyResource;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerAuthenticationValidatorTest {
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  @Test
  void validate_whenStrictOrPermissive_reportsNothing() {
    assertThat(errors(peerAuthentication(p -> {}))).isEmpty();
    assertThat(errors(peerAuthentication(p -> p.mode = MtlsMode.PERMISSIVE))).isEmpty();
  }

  @Test
  void validate_whenServiceNotDnsLabel_reportsService() {
    assertThat(errors(peerAuthentication(p -> p.service = "payments.v1")))
        .containsExactly("service: " + Messages.DNS_LABEL);
    assertThat(errors(peerAuthentication(p -> p.service = null)))
        .containsExactly("service: required");
  }

  @Test
  void validate_whenModeMissing_reportsRequired() {
    assertThat(errors(peerAuthentication(p -> p.mode = null))).containsExactly("mode: required");
  }

  @Test
  void validate_whenNameOrSpecBad_reportsThem() {
    assertThat(errors(new PeerAuthentication("Payments", null)))
        .containsExactly("name: " + Messages.DNS_LABEL, "spec: required");
  }
}
