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
 * cannot swap the key set, and the URL may not carry credentials: no secret is ever part of policy.
 */
final class RequestAuthenticationValidator {
  static final String HTTPS_SCHEME = "https";
  static final String DUPLICATE_ISSUER = "duplicate issuer";
  static final String DUPLICATE_AUDIENCE = "duplicate audience";
  static final String HTTPS_URL = "must be an https:// URL with a host";
  static final String URL_CREDENTIALS = "must not contain credentials (user info)";

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
      jwksUri(ic.at("jwksUri"), issuer.jwksUri());
      Optional<Duration> cache = issuer.jwksCacheDuration();
      if (cache != null) {
        cache.ifPresent(d -> Checks.positive(ic.at("jwksCacheDuration"), d));
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
