package io.paymesh.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An external PSP or acquiring bank. Becomes a cluster with upstream TLS whose endpoints are
 * grouped by region and failover priority (0 = primary).
 */
public record PaymentProcessor(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.PAYMENT_PROCESSOR;
  }

  public record Spec(
      List<Endpoint> endpoints,
      Tls tls,
      Duration connectTimeout,
      Optional<CircuitBreakers> circuitBreakers,
      Optional<OutlierDetection> outlierDetection) {
    public Spec {
      endpoints = List.copyOf(endpoints);
    }
  }

  /** {@code address} is a DNS name or an IP literal. */
  public record Endpoint(String address, int port, String region, int priority) {}

  /**
   * Upstream TLS. The CA bundle is not inline: {@code trustedCaSecret} names an SDS secret, so no
   * key material ever travels in a cluster resource.
   */
  public record Tls(String sni, String trustedCaSecret, List<String> subjectAltNames) {
    public Tls {
      subjectAltNames = List.copyOf(subjectAltNames);
    }
  }
}
