package io.paymesh.xds.translate;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The example mesh of {@link PolicyFixtures} plus an edge: Service {@code edge} (not in the CDE,
 * depending on payments-v1 and payments-v2) and Gateway {@code public-api} with a deprecated v1
 * in the path, an active v2 in the header and a retired v0.
 */
public final class GatewayFixtures {
  public static final String EDGE_ID = "spiffe://paymesh.local/ns/edge/sa/edge";

  private GatewayFixtures() {}

  public static Service edge(PciScope scope, List<String> dependencies) {
    return new Service("edge", new Service.Spec(
        List.of(new Service.Port("https", 8443, 8443, Service.Protocol.HTTP)),
        EDGE_ID, scope, dependencies, LoadBalancing.ROUND_ROBIN, Optional.empty(),
        Optional.empty()));
  }

  public static Service edge() {
    return edge(PciScope.CONNECTED, List.of("payments-v1", "payments-v2"));
  }

  public static Gateway.Version v1Deprecated() {
    return new Gateway.Version(new ApiVersionMatch("v1", ApiVersionMatch.In.PATH_PREFIX),
        Gateway.Status.DEPRECATED, Optional.of("payments-v1"), Optional.of(Duration.ofSeconds(5)),
        Optional.of(LocalDate.of(2026, 6, 1)), Optional.of(LocalDate.of(2027, 6, 30)));
  }

  public static Gateway.Version v2Active(String backend) {
    return new Gateway.Version(new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER),
        Gateway.Status.ACTIVE, Optional.of(backend), Optional.of(Duration.ofSeconds(3)),
        Optional.empty(), Optional.empty());
  }

  public static Gateway.Version v0Retired() {
    return new Gateway.Version(new ApiVersionMatch("v0", ApiVersionMatch.In.PATH_PREFIX),
        Gateway.Status.RETIRED, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of(LocalDate.of(2025, 1, 31)));
  }

  public static final String ISSUER = "https://auth.paymesh.example";
  public static final String PARTNER_ISSUER = "https://partners.example:8443/oauth";

  /**
   * Two issuers for the edge: the merchants' (whose merchant_id claim becomes x-merchant-id) and a
   * partner issuer on a non-default port.
   */
  public static RequestAuthentication edgeJwt() {
    return new RequestAuthentication("edge-jwt", new RequestAuthentication.Spec("edge", List.of(
        new RequestAuthentication.JwtIssuer(ISSUER, List.of("payments-api"),
            ISSUER + "/.well-known/jwks.json", Optional.of(Duration.ofMinutes(5)),
            Optional.of(Duration.ofSeconds(30)),
            List.of(new RequestAuthentication.ClaimToHeader("merchant_id", "x-merchant-id"))),
        new RequestAuthentication.JwtIssuer(PARTNER_ISSUER, List.of("payments-api"),
            "https://partners.example:8443/keys", Optional.empty()))));
  }

  /** An EC P-256 public key set (RFC 7517 appendix A.1): public members only. */
  public static final String PARTNER_JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\","
      + "\"x\":\"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4\","
      + "\"y\":\"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM\",\"kid\":\"partner-2026\"}]}";

  /** {@link #edgeJwt()} with the partner issuer's keys inline instead of at a URL. */
  public static RequestAuthentication edgeJwtWithInlinePartnerKeys() {
    RequestAuthentication remote = edgeJwt();
    RequestAuthentication.JwtIssuer partner = remote.spec().issuers().get(1);
    return new RequestAuthentication(remote.name(), new RequestAuthentication.Spec("edge", List.of(
        remote.spec().issuers().get(0),
        new RequestAuthentication.JwtIssuer(partner.issuer(), partner.audiences(),
            new RequestAuthentication.Jwks.Inline(PARTNER_JWKS), Optional.empty(), List.of()))));
  }

  /** v2 in the header for the merchants' issuer only, with the payments.write scope. */
  public static Gateway.Version v2Scoped() {
    return new Gateway.Version(new ApiVersionMatch("v2", ApiVersionMatch.In.HEADER),
        Gateway.Status.ACTIVE, Optional.of("payments-v2"), Optional.of(Duration.ofSeconds(3)),
        Optional.empty(), Optional.empty(), List.of(ISSUER), List.of("payments.write"));
  }

  /**
   * Per merchant (the verified merchant_id claim's header): 100 a second, bursts of 200, on
   * /v1/payments; per caller (the token's subject): 1000 a minute on everything.
   */
  public static RateLimitPolicy edgeLimits(String merchantHeader) {
    return new RateLimitPolicy("edge-limits", new RateLimitPolicy.Spec("edge", List.of(
        new RateLimitPolicy.RateLimit("per-merchant",
            Optional.of(new PathMatch.Prefix("/v1/payments")),
            new RateLimitPolicy.Key.Header(merchantHeader), 100, Duration.ofSeconds(1), 200),
        new RateLimitPolicy.RateLimit("per-caller", Optional.empty(),
            new RateLimitPolicy.Key.Caller(), 1000, Duration.ofMinutes(1), 1000))));
  }

  /** {@code version} with cached READ routes. */
  public static Gateway.Version withCache(Gateway.Version version, Gateway.CachedRead... reads) {
    return new Gateway.Version(version.match(), version.status(), version.backend(),
        version.timeout(), version.deprecatedOn(), version.sunset(), version.issuers(),
        version.scopes(), version.cors(), List.of(reads));
  }

  /** FX rates under v1: GET and HEAD, varying on the language. */
  public static Gateway.CachedRead fxRates() {
    return new Gateway.CachedRead("fx-rates", new PathMatch.Prefix("/v1/fx-rates/"),
        Gateway.CachedRead.READ_METHODS, List.of("accept-language"));
  }

  /** The currency list in the header-versioned v2: GET only, varying on the encoding. */
  public static Gateway.CachedRead currencies() {
    return new Gateway.CachedRead("currencies", new PathMatch.Exact("/currencies"),
        List.of("GET"), List.of("accept-encoding", "accept-language"));
  }

  /** {@link #publicApi()} with v1's FX rates and v2's currency list cached. */
  public static Gateway publicApiCaching() {
    return gateway("public-api", withCache(v1Deprecated(), fxRates()),
        withCache(v2Active("payments-v2"), currencies()), v0Retired());
  }

  public static Gateway gateway(String name, Gateway.Version... versions) {
    return new Gateway(name, new Gateway.Spec("edge",
        List.of(new Gateway.Listener("https", 8443), new Gateway.Listener("https-alt", 9443)),
        List.of(new Gateway.Api("payments", List.of("api.paymesh.example"), List.of(versions)))));
  }

  public static Gateway publicApi() {
    return gateway("public-api", v1Deprecated(), v2Active("payments-v2"), v0Retired());
  }

  /** The example mesh with {@code extra} added (replacing documents of the same key). */
  public static PolicySnapshot snapshotWith(PolicyResource... extra) {
    List<PolicyResource> all = new ArrayList<>(PolicyFixtures.resources());
    all.addAll(List.of(extra));
    PolicySnapshot.Builder b = PolicySnapshot.builder(43).addAll(all);
    PolicyFixtures.endpoints().forEach(b::addEndpoint);
    return b.build();
  }

  public static PolicySnapshot snapshot() {
    return snapshotWith(edge(), publicApi());
  }
}
