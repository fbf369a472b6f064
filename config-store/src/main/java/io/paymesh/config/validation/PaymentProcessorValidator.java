package io.paymesh.config.validation;

import io.paymesh.config.model.EnvoyLimits;
import io.paymesh.config.model.PaymentProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Rules of a PaymentProcessor spec: endpoints and failover priorities, upstream TLS, timeouts. */
final class PaymentProcessorValidator {
  static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(30);
  static final String CONNECT_TIMEOUT_TOO_LONG =
      "must be <= " + Durations.format(MAX_CONNECT_TIMEOUT);
  static final String PRIORITY_TOO_HIGH = "must be <= " + EnvoyLimits.MAX_PRIORITY;
  /** Envoy's limit on an upstream SNI (UpstreamTlsContext.sni: max_bytes 255), in bytes. */
  static final int MAX_SNI_BYTES = 255;
  static final String SNI_TOO_LONG = "must be at most " + MAX_SNI_BYTES + " bytes in UTF-8";

  private PaymentProcessorValidator() {}

  static void validate(ErrorCollector c, PaymentProcessor processor) {
    PaymentProcessor.Spec spec = processor.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    endpoints(c, spec.endpoints());
    tls(c.at("tls"), spec.tls());
    ErrorCollector tc = c.at("connectTimeout");
    if (Checks.positive(tc, spec.connectTimeout())
        && spec.connectTimeout().compareTo(MAX_CONNECT_TIMEOUT) > 0) {
      tc.add(CONNECT_TIMEOUT_TOO_LONG);
    }
    ResilienceValidator.validate(c, spec.circuitBreakers(), spec.outlierDetection());
  }

  private static void endpoints(ErrorCollector c, List<PaymentProcessor.Endpoint> endpoints) {
    if (!Checks.notEmpty(c.at("endpoints"), endpoints)) {
      return;
    }
    boolean prioritiesValid = true;
    for (int i = 0; i < endpoints.size(); i++) {
      PaymentProcessor.Endpoint e = endpoints.get(i);
      ErrorCollector ec = c.atIndex("endpoints", i);
      address(ec.at("address"), e.address());
      Checks.port(ec.at("port"), e.port());
      Checks.notEmpty(ec.at("region"), e.region());
      if (e.priority() < 0) {
        ec.add("priority", Messages.NOT_NEGATIVE);
        prioritiesValid = false;
      } else if (e.priority() > EnvoyLimits.MAX_PRIORITY) {
        ec.add("priority", PRIORITY_TOO_HIGH);
        prioritiesValid = false;
      }
    }
    if (prioritiesValid) {
      priorities(c.at("endpoints"), endpoints);
    }
  }

  private static void address(ErrorCollector c, String address) {
    Checks.notEmpty(c, address);
    if (address != null && !address.isEmpty()
        && !Names.isHostname(address) && !Names.isIpLiteral(address)) {
      c.add(Messages.HOST_OR_IP);
    }
  }

  /**
   * Envoy fails over priority by priority, so a gap would leave a level with no endpoints. Only
   * for priorities in range: the list of missing levels is then at most 128 long.
   */
  private static void priorities(ErrorCollector c, List<PaymentProcessor.Endpoint> endpoints) {
    TreeSet<Integer> used =
        endpoints.stream()
            .map(PaymentProcessor.Endpoint::priority)
            .collect(Collectors.toCollection(TreeSet::new));
    List<Integer> missing =
        IntStream.rangeClosed(0, used.last())
            .filter(p -> !used.contains(p))
            .boxed()
            .collect(Collectors.toList());
    if (!missing.isEmpty()) {
      c.add("priorities must start at 0 and be contiguous; missing " + missing);
    }
  }

  private static void tls(ErrorCollector c, PaymentProcessor.Tls tls) {
    if (!c.require(tls)) {
      return;
    }
    Checks.notEmpty(c.at("sni"), tls.sni());
    if (tls.sni() != null && tls.sni().getBytes(StandardCharsets.UTF_8).length > MAX_SNI_BYTES) {
      c.add("sni", SNI_TOO_LONG);
    }
    Checks.notEmpty(c.at("trustedCaSecret"), tls.trustedCaSecret());
    List<String> sans = tls.subjectAltNames();
    if (Checks.notEmpty(c.at("subjectAltNames"), sans)) {
      for (int i = 0; i < sans.size(); i++) {
        Checks.notEmpty(c.atIndex("subjectAltNames", i), sans.get(i));
      }
    }
  }
}
