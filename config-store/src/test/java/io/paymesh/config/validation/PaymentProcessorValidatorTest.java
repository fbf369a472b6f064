package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.ms;
import static io.paymesh.config.validation.Fixtures.processor;
import static io.paymesh.config.validation.Fixtures.seconds;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.OutlierDetection;
import io.paymesh.config.model.PaymentProcessor.Endpoint;
import io.paymesh.config.model.PaymentProcessor.Tls;
import io.paymesh.config.model.PolicyResource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PaymentProcessorValidatorTest {
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  private static Endpoint endpoint(String address, int priority) {
    return new Endpoint(address, 443, "us-east-1", priority);
  }

  @Test
  void validate_whenProcessorIsTheBriefExample_reportsNothing() {
    assertThat(errors(processor(p -> {}))).isEmpty();
  }

  @Test
  void validate_whenAddressesAreIpLiterals_reportsNothing() {
    assertThat(errors(processor(p -> p.endpoints = List.of(
        endpoint("10.0.0.1", 0), endpoint("2001:db8::1", 0), endpoint("::1", 1),
        endpoint("2001:0db8:0000:0000:0000:ff00:0042:8329", 1))))).isEmpty();
  }

  @Test
  void validate_whenEndpointsEmpty_reportsEndpoints() {
    assertThat(errors(processor(p -> p.endpoints = List.of())))
        .containsExactly("endpoints: must not be empty");
  }

  @Test
  void validate_whenEndpointFieldsBad_reportsEachByIndex() {
    assertThat(errors(processor(p -> p.endpoints = List.of(
            endpoint("api.stripe.com", 0),
            new Endpoint("", 0, "", 0),
            new Endpoint("api_stripe.com", 70000, "eu", 0),
            endpoint("1.2.3.4.5", 0),
            endpoint("2001:db8:::1", 0),
            endpoint("10.0.0.256", 0)))))
        .containsExactly(
            "endpoints[1].address: must not be empty",
            "endpoints[1].port: must be between 1 and 65535",
            "endpoints[1].region: must not be empty",
            "endpoints[2].address: must be a lowercase DNS name or an IP address",
            "endpoints[2].port: must be between 1 and 65535",
            "endpoints[3].address: must be a lowercase DNS name or an IP address",
            "endpoints[4].address: must be a lowercase DNS name or an IP address",
            "endpoints[5].address: must be a lowercase DNS name or an IP address");
  }

  @Test
  void validate_whenPrioritiesDoNotStartAtZero_reportsMissing() {
    assertThat(errors(processor(p -> p.endpoints = List.of(endpoint("a.com", 1), endpoint("b.com", 2)))))
        .containsExactly("endpoints: priorities must start at 0 and be contiguous; missing [0]");
  }

  @Test
  void validate_whenPrioritiesHaveGap_reportsMissing() {
    assertThat(errors(processor(p -> p.endpoints =
            List.of(endpoint("a.com", 0), endpoint("b.com", 3), endpoint("c.com", 0)))))
        .containsExactly("endpoints: priorities must start at 0 and be contiguous; missing [1, 2]");
  }

  @Test
  void validate_whenPriorityNegative_reportsPriorityOnly() {
    assertThat(errors(processor(p -> p.endpoints = List.of(endpoint("a.com", 0), endpoint("b.com", -1)))))
        .containsExactly("endpoints[1].priority: must be >= 0");
  }

  @Test
  void validate_whenPriorityAbove128_reportsPriorityOnly_notAHugeListOfMissingLevels() {
    assertThat(errors(processor(p -> p.endpoints =
            List.of(endpoint("a.com", 0), endpoint("b.com", 129), endpoint("c.com", 2_000_000_000)))))
        .containsExactly(
            "endpoints[1].priority: must be <= 128",
            "endpoints[2].priority: must be <= 128");
  }

  @Test
  void validate_whenPrioritiesGoUpTo128_reportsNothing() {
    List<Endpoint> levels = java.util.stream.IntStream.rangeClosed(0, 128)
        .mapToObj(i -> endpoint("a.com", i))
        .toList();

    assertThat(errors(processor(p -> p.endpoints = levels))).isEmpty();
  }

  @Test
  void validate_whenSniLongerThan255BytesInUtf8_reportsSni_evenWith128Characters() {
    assertThat(errors(processor(p -> p.tls = new Tls("é".repeat(128), "ca", List.of("a.com")))))
        .containsExactly("tls.sni: must be at most 255 bytes in UTF-8");
    assertThat(errors(processor(p -> p.tls = new Tls("a".repeat(256), "ca", List.of("a.com")))))
        .containsExactly("tls.sni: must be at most 255 bytes in UTF-8");
    assertThat(errors(processor(p -> p.tls = new Tls("a".repeat(255), "ca", List.of("a.com")))))
        .isEmpty();
  }

  @Test
  void validate_whenTlsMissing_reportsRequired() {
    assertThat(errors(processor(p -> p.tls = null))).containsExactly("tls: required");
  }

  @Test
  void validate_whenTlsFieldsEmpty_reportsEach() {
    assertThat(errors(processor(p -> p.tls = new Tls("", "", List.of()))))
        .containsExactly(
            "tls.sni: must not be empty",
            "tls.trustedCaSecret: must not be empty",
            "tls.subjectAltNames: must not be empty");
    assertThat(errors(processor(p -> p.tls = new Tls("a.com", "ca", List.of("a.com", "")))))
        .containsExactly("tls.subjectAltNames[1]: must not be empty");
  }

  @Test
  void validate_whenConnectTimeoutOutOfRange_reportsConnectTimeout() {
    assertThat(errors(processor(p -> p.connectTimeout = Duration.ZERO)))
        .containsExactly("connectTimeout: must be > 0");
    assertThat(errors(processor(p -> p.connectTimeout = ms(30_001))))
        .containsExactly("connectTimeout: must be <= 30s");
    assertThat(errors(processor(p -> p.connectTimeout = seconds(30)))).isEmpty();
    assertThat(errors(processor(p -> p.connectTimeout = null))).containsExactly("connectTimeout: required");
  }

  @Test
  void validate_whenResilienceBad_reportsLikeService() {
    assertThat(errors(processor(p -> {
      p.circuitBreakers = Optional.of(new CircuitBreakers(1, 1, 1, 0));
      p.outlierDetection = Optional.of(new OutlierDetection(1, seconds(1), Duration.ZERO, 100));
    }))).containsExactly(
        "circuitBreakers.maxRetries: must be > 0",
        "outlierDetection.baseEjectionTime: must be > 0");
  }
}
