package io.paymesh.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which JWT issuers one service accepts (external API callers at the edge). Keys are fetched from
 * {@code jwksUri} only: a document never carries key material (invariant 8).
 */
public record RequestAuthentication(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.REQUEST_AUTHENTICATION;
  }

  public record Spec(String service, List<JwtIssuer> issuers) {
    public Spec {
      issuers = List.copyOf(issuers);
    }
  }

  /**
   * @param issuer the {@code iss} claim a token must carry
   * @param audiences accepted {@code aud} values; a token must name at least one
   * @param jwksUri the https URL of the issuer's public key set
   * @param jwksCacheDuration how long fetched keys are kept; empty means the proxy's default
   */
  public record JwtIssuer(
      String issuer,
      List<String> audiences,
      String jwksUri,
      Optional<Duration> jwksCacheDuration) {
    public JwtIssuer {
      audiences = List.copyOf(audiences);
    }
  }
}
