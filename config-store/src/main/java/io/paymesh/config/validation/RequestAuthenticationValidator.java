package io.paymesh.config.validation;

import io.paymesh.config.model.RequestAuthentication;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Rules of a RequestAuthentication spec. Keys are fetched over https only, so a network attacker
 * cannot swap the key set, and the URL may not carry credentials; an inline key set holds public
 * keys only ({@link JwksRules}): no secret is ever part of policy.
 */
final class RequestAuthenticationValidator {
  static final String HTTPS_SCHEME = "https";
  static final String DUPLICATE_ISSUER = "duplicate issuer";
  static final String DUPLICATE_AUDIENCE = "duplicate audience";
  static final String HTTPS_URL = "must be an https:// URL with a host";
  static final String URL_CREDENTIALS = "must not contain credentials (user info)";
  static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
  static final String WHOLE_SECONDS = "must be whole seconds";
  static final String CLOCK_SKEW_TOO_LONG = "must be <= " + Durations.format(MAX_CLOCK_SKEW);
  static final String CLAIM_NAME = "must be letters, digits, '_', '-' or '.' (a nested claim as a.b)";
  /** Headers a claim may not set: credentials, and headers that steer routing or tracing. */
  static final List<String> RESERVED_HEADERS = List.of("authorization", "proxy-authorization",
      "cookie", "host", "x-paymesh-drill", "api-version", "x-request-id", "x-forwarded-for");
  static final String RESERVED_HEADER =
      "must not be one of " + String.join(", ", RESERVED_HEADERS);
  static final String DUPLICATE_HEADER = "duplicate header";
  private static final java.util.regex.Pattern CLAIM = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]+");

  private RequestAuthenticationValidator() {}

  static void validate(ErrorCollector c, RequestAuthentication authentication) {
    RequestAuthentication.Spec spec = authentication.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    Checks.dnsLabel(c.at("service"), spec.service());
    List<RequestAuthentication.JwtIssuer> issuers = spec.issuers();
    if (!Checks.notEmpty(c.at("issuers"), issuers)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < issuers.size(); i++) {
      ErrorCollector ic = c.atIndex("issuers", i);
      RequestAuthentication.JwtIssuer issuer = issuers.get(i);
      if (!ic.require(issuer)) {
        continue;
      }
      Checks.notEmpty(ic.at("issuer"), issuer.issuer());
      if (issuer.issuer() != null && !issuer.issuer().isEmpty() && !seen.add(issuer.issuer())) {
        ic.add("issuer", DUPLICATE_ISSUER);
      }
      audiences(ic, issuer.audiences());
      if (issuer.jwks() instanceof RequestAuthentication.Jwks.Remote remote) {
        jwksUri(ic.at("jwksUri"), remote.uri());
        Optional<Duration> cache = remote.cacheDuration();
        if (cache != null) {
          cache.ifPresent(d -> Checks.positive(ic.at("jwksCacheDuration"), d));
        }
      } else if (issuer.jwks() instanceof RequestAuthentication.Jwks.Inline inline) {
        if (ic.at("jwks").require(inline.json())) {
          JwksRules.check(ic.at("jwks"), inline.json());
        }
      } else {
        ic.add(Messages.exactlyOneOf("jwksUri", "jwks"));
      }
      Optional<Duration> skew = issuer.clockSkew();
      if (skew != null && skew.isPresent()) {
        clockSkew(ic.at("clockSkew"), skew.get());
      }
      claimToHeaders(ic, issuer.claimToHeaders());
    }
  }

  private static void clockSkew(ErrorCollector c, Duration skew) {
    if (skew.isNegative()) {
      c.add(Messages.NOT_NEGATIVE);
    } else if (skew.toMillis() % 1000 != 0) {
      c.add(WHOLE_SECONDS);
    } else if (skew.compareTo(MAX_CLOCK_SKEW) > 0) {
      c.add(CLOCK_SKEW_TOO_LONG);
    }
  }

  private static void claimToHeaders(
      ErrorCollector c, List<RequestAuthentication.ClaimToHeader> claims) {
    if (claims == null) {
      return;
    }
    Set<String> headers = new HashSet<>();
    for (int i = 0; i < claims.size(); i++) {
      ErrorCollector cc = c.atIndex("claimToHeaders", i);
      RequestAuthentication.ClaimToHeader claim = claims.get(i);
      if (!cc.require(claim)) {
        continue;
      }
      if (cc.at("claim").require(claim.claim()) && !CLAIM.matcher(claim.claim()).matches()) {
        cc.add("claim", claim.claim().isEmpty() ? Messages.NOT_EMPTY : CLAIM_NAME);
      }
      ErrorCollector hc = cc.at("header");
      String header = claim.header();
      if (!hc.require(header)) {
        continue;
      }
      if (!Names.isHeaderName(header)) {
        hc.add(Messages.HEADER_NAME);
      } else if (RESERVED_HEADERS.contains(header)) {
        hc.add(RESERVED_HEADER);
      } else if (!headers.add(header)) {
        hc.add(DUPLICATE_HEADER);
      }
    }
  }

  private static void audiences(ErrorCollector c, List<String> audiences) {
    if (!Checks.notEmpty(c.at("audiences"), audiences)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < audiences.size(); i++) {
      ErrorCollector ac = c.atIndex("audiences", i);
      String audience = audiences.get(i);
      Checks.notEmpty(ac, audience);
      if (audience != null && !audience.isEmpty() && !seen.add(audience)) {
        ac.add(DUPLICATE_AUDIENCE);
      }
    }
  }

  private static void jwksUri(ErrorCollector c, String value) {
    if (!c.require(value)) {
      return;
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      c.add(HTTPS_URL);
      return;
    }
    // getHost() is null for an empty or registry-style authority, e.g. "https:///keys".
    if (!HTTPS_SCHEME.equals(uri.getScheme()) || uri.isOpaque() || uri.getHost() == null) {
      c.add(HTTPS_URL);
    } else if (uri.getRawUserInfo() != null) {
      c.add(URL_CREDENTIALS);
    }
  }
}
