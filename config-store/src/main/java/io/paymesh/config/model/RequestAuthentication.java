package io.paymesh.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Which JWT issuers one service accepts (external API callers at the edge). Each issuer's public
 * keys come from its {@code jwksUri} or are given inline ({@code jwks}); a document never carries
 * private key material (invariant 8: the validator refuses any).
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

  /** Where an issuer's public keys come from: fetched from a URL, or written in the policy. */
  public sealed interface Jwks permits Jwks.Remote, Jwks.Inline {

    /**
     * @param uri the https URL of the issuer's public key set
     * @param cacheDuration how long fetched keys are kept; empty means the proxy's default
     */
    record Remote(String uri, Optional<Duration> cacheDuration) implements Jwks {}

    /**
     * A JSON Web Key Set ({@code {"keys": [...]}}) of public keys, as written in the policy: for
     * an issuer whose keys cannot be fetched (no JWKS endpoint reachable from the gateway). Every
     * key rotation of the issuer is a policy write.
     */
    record Inline(String json) implements Jwks {}
  }

  /**
   * @param issuer the {@code iss} claim a token must carry
   * @param audiences accepted {@code aud} values; a token must name at least one
   * @param jwks where the issuer's public keys come from
   * @param clockSkew how far {@code exp} and {@code nbf} may be off; empty means 60s
   * @param claimToHeaders verified claims passed to the backend as request headers
   */
  public record JwtIssuer(
      String issuer,
      List<String> audiences,
      Jwks jwks,
      Optional<Duration> clockSkew,
      List<ClaimToHeader> claimToHeaders) {
    public JwtIssuer {
      audiences = List.copyOf(audiences);
      claimToHeaders = List.copyOf(claimToHeaders);
    }

    /** An issuer whose keys are fetched from {@code jwksUri}. */
    public JwtIssuer(String issuer, List<String> audiences, String jwksUri,
        Optional<Duration> jwksCacheDuration, Optional<Duration> clockSkew,
        List<ClaimToHeader> claimToHeaders) {
      this(issuer, audiences, new Jwks.Remote(jwksUri, jwksCacheDuration), clockSkew,
          claimToHeaders);
    }

    /** An issuer with keys from {@code jwksUri}, the default clock skew and no claim headers. */
    public JwtIssuer(String issuer, List<String> audiences, String jwksUri,
        Optional<Duration> jwksCacheDuration) {
      this(issuer, audiences, jwksUri, jwksCacheDuration, Optional.empty(), List.of());
    }

    /** The URL keys are fetched from; empty when they are inline. */
    public Optional<Jwks.Remote> remoteJwks() {
      return jwks instanceof Jwks.Remote remote ? Optional.of(remote) : Optional.empty();
    }
  }

  /**
   * A verified claim passed on as a request header, e.g. the merchant id. The gateway removes the
   * same header from the client's request first, so only a verified token can set it.
   */
  public record ClaimToHeader(String claim, String header) {}
}
