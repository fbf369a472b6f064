package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.seconds;
import static io.paymesh.config.validation.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.model.CircuitBreakers;
import io.paymesh.config.model.OutlierDetection;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.Service.Port;
import io.paymesh.config.model.Service.Protocol;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceValidatorTest {
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  @Test
  void validate_whenServiceIsTheBriefExample_reportsNothing() {
    assertThat(errors(service(s -> {}))).isEmpty();
  }

  @Test
  void validate_whenOptionalPartsAbsent_reportsNothing() {
    assertThat(errors(service(s -> {
      s.dependencies = List.of();
      s.circuitBreakers = Optional.empty();
      s.outlierDetection = Optional.empty();
    }))).isEmpty();
  }

  @Test
  void validate_whenNameIsNotDnsLabel_reportsName() {
    assertThat(errors(service(s -> s.name = "Checkout_1")))
        .containsExactly("name: " + Messages.DNS_LABEL);
    assertThat(errors(service(s -> s.name = "a".repeat(64))))
        .containsExactly("name: must be a lowercase DNS label (a-z, 0-9, '-'), at most 63 characters");
    assertThat(errors(service(s -> s.name = "-checkout"))).containsExactly("name: " + Messages.DNS_LABEL);
    assertThat(errors(service(s -> s.name = null))).containsExactly("name: required");
  }

  @Test
  void validate_whenPortsEmpty_reportsPorts() {
    assertThat(errors(service(s -> s.ports = List.of()))).containsExactly("ports: must not be empty");
  }

  @Test
  void validate_whenPortsDuplicated_reportsNameAndNumber() {
    assertThat(errors(service(s -> s.ports = List.of(
            new Port("grpc", 8443, 9090, Protocol.GRPC),
            new Port("grpc", 8443, 9091, Protocol.HTTP)))))
        .containsExactly("ports[grpc].name: duplicate name", "ports[grpc].port: duplicate port");
  }

  @Test
  void validate_whenPortOutOfRange_reportsPortAndTargetPort() {
    assertThat(errors(service(s -> s.ports = List.of(new Port("http", 0, 65536, Protocol.HTTP)))))
        .containsExactly(
            "ports[http].port: must be between 1 and 65535",
            "ports[http].targetPort: must be between 1 and 65535");
  }

  @Test
  void validate_whenPortNameInvalid_reportsByIndex() {
    assertThat(errors(service(s -> s.ports = List.of(new Port("Grpc Port", 80, 80, null)))))
        .containsExactly("ports[0].name: " + Messages.DNS_LABEL, "ports[0].protocol: required");
  }

  @Test
  void validate_whenIdentityIsNotSpiffe_reportsIdentity() {
    for (String bad : List.of("checkout", "spiffe://paymesh.local", "spiffe://paymesh.local/",
        "https://paymesh.local/ns/x", "spiffe://Paymesh.local/ns/x", "spiffe://paymesh.local/ns//x")) {
      assertThat(errors(service(s -> s.identity = bad)))
          .as(bad)
          .containsExactly("identity: must be a SPIFFE ID like spiffe://<trust-domain>/<path>");
    }
  }

  @Test
  void validate_whenPciScopeMissing_reportsRequired() {
    assertThat(errors(service(s -> s.pciScope = null))).containsExactly("pciScope: required");
  }

  @Test
  void validate_whenDependenciesBad_reportsEach() {
    assertThat(errors(service(s -> s.dependencies =
            List.of("payments", "Stripe!", "payments", "checkout", "api.payments.internal"))))
        .containsExactly(
            "dependencies[1]: " + Messages.DNS_NAME,
            "dependencies[2]: duplicate dependency",
            "dependencies[3]: must not be the service itself");
  }

  @Test
  void validate_whenCircuitBreakersNotPositive_reportsEach() {
    assertThat(errors(service(s -> s.circuitBreakers = Optional.of(new CircuitBreakers(0, -1, 0, 0)))))
        .containsExactly(
            "circuitBreakers.maxConnections: must be > 0",
            "circuitBreakers.maxPendingRequests: must be > 0",
            "circuitBreakers.maxRequests: must be > 0",
            "circuitBreakers.maxRetries: must be > 0");
  }

  @Test
  void validate_whenOutlierDetectionOutOfRange_reportsEach() {
    assertThat(errors(service(s -> s.outlierDetection =
            Optional.of(new OutlierDetection(0, Duration.ZERO, seconds(-1), 101)))))
        .containsExactly(
            "outlierDetection.consecutive5xx: must be >= 1",
            "outlierDetection.interval: must be > 0",
            "outlierDetection.baseEjectionTime: must be > 0",
            "outlierDetection.maxEjectionPercent: must be between 1 and 100");
    assertThat(errors(service(s -> s.outlierDetection =
            Optional.of(new OutlierDetection(1, seconds(1), seconds(1), 0)))))
        .containsExactly("outlierDetection.maxEjectionPercent: must be between 1 and 100");
  }

  @Test
  void validate_whenFailurePercentageOutOfRange_reportsEach() {
    assertThat(errors(service(s -> s.outlierDetection = Optional.of(new OutlierDetection(
            5, seconds(1), seconds(30), 50,
            Optional.of(new OutlierDetection.FailurePercentage(50, 2, 10)))))))
        .isEmpty();
    assertThat(errors(service(s -> s.outlierDetection = Optional.of(new OutlierDetection(
            5, seconds(1), seconds(30), 50,
            Optional.of(new OutlierDetection.FailurePercentage(100, 1, 0)))))))
        .containsExactly(
            "outlierDetection.failurePercentage.threshold: must be between 1 and 99",
            "outlierDetection.failurePercentage.minimumHosts: must be >= 2",
            "outlierDetection.failurePercentage.requestVolume: must be >= 1");
    assertThat(errors(service(s -> s.outlierDetection = Optional.of(new OutlierDetection(
            5, seconds(1), seconds(30), 50,
            Optional.of(new OutlierDetection.FailurePercentage(0, 2, 1)))))))
        .containsExactly("outlierDetection.failurePercentage.threshold: must be between 1 and 99");
  }

  @Test
  void validate_whenSeveralFieldsWrong_reportsAllAtOnce() {
    assertThat(errors(service(s -> {
      s.name = "Bad";
      s.ports = List.of();
      s.identity = "x";
      s.pciScope = null;
      s.loadBalancing = null;
    }))).containsExactly(
        "name: " + Messages.DNS_LABEL,
        "ports: must not be empty",
        "identity: " + Messages.SPIFFE_ID,
        "pciScope: required",
        "loadBalancing: required");
  }

  @Test
  void check_whenInvalid_throwsWithAllErrors() {
    assertThatThrownBy(() -> validator.check(service(s -> s.ports = List.of())))
        .isInstanceOf(PolicyValidationException.class)
        .hasMessage("ports: must not be empty");
  }
}
