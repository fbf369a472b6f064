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
   * @param clockSkew how far {@code exp} and {@code nbf} may be off; empty means 60s
   * @param claimToHeaders verified claims passed to the backend as request headers
   */
  public record JwtIssuer(
      String issuer,
      List<String> audiences,
      String jwksUri,
      Optional<Duration> jwksCacheDuration,
      Optional<Duration> clockSkew,
      List<ClaimToHeader> claimToHeaders) {
    public JwtIssuer {
      audiences = List.copyOf(audiences);
      claimToHeaders = List.copyOf(claimToHeaders);
    }

    /** An issuer with the default clock skew and no claim headers. */
    public JwtIssuer(String issuer, List<String> audiences, String jwksUri,
        Optional<Duration> jwksCacheDuration) {
      this(issuer, audiences, jwksUri, jwksCacheDuration, Optional.empty(), List.of());
    }
  }

  /**
   * A verified claim passed on as a request header, e.g. the merchant id. The gateway removes the
   * same header from the client's request first, so only a verified token can set it.
   */
  public record ClaimToHeader(String claim, String header) {}
}
