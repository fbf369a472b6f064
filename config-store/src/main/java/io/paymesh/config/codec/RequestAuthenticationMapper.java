package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The spec of a RequestAuthentication document. An issuer's keys come from exactly one of
 * {@code jwksUri} or {@code jwks} (an inline JSON Web Key Set, kept as the text written; the
 * validator checks it holds public keys only).
 */
final class RequestAuthenticationMapper {
  static final String SERVICE = "service";
  static final String ISSUERS = "issuers";
  static final String ISSUER = "issuer";
  static final String AUDIENCES = "audiences";
  static final String JWKS_URI = "jwksUri";
  static final String JWKS = "jwks";
  static final String JWKS_CACHE_DURATION = "jwksCacheDuration";
  static final String ONLY_WITH_JWKS_URI = "only allowed with jwksUri (inline keys are not fetched)";
  static final String CLOCK_SKEW = "clockSkew";
  static final String CLAIM_TO_HEADERS = "claimToHeaders";
  static final String CLAIM = "claim";
  static final String HEADER = "header";

  private RequestAuthenticationMapper() {}

  static RequestAuthentication.Spec decode(NodeReader r) {
    String service = r.string(SERVICE);
    List<RequestAuthentication.JwtIssuer> issuers =
        r.list(ISSUERS, true, RequestAuthenticationMapper::issuer);
    return r.finish() ? new RequestAuthentication.Spec(service, issuers) : null;
  }

  private static RequestAuthentication.JwtIssuer issuer(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String issuer = r.string(ISSUER);
    List<String> audiences = r.strings(AUDIENCES, true);
    boolean hasUri = r.raw(JWKS_URI) != null;
    boolean hasInline = r.raw(JWKS) != null;
    Optional<String> jwksUri = r.optionalString(JWKS_URI);
    Optional<String> inline = r.optionalString(JWKS);
    Optional<Duration> cacheDuration = r.optionalDuration(JWKS_CACHE_DURATION);
    if (hasUri == hasInline) {
      r.errors().add(Messages.exactlyOneOf(JWKS_URI, JWKS));
    } else if (hasInline && r.raw(JWKS_CACHE_DURATION) != null) {
      r.errors().add(JWKS_CACHE_DURATION, ONLY_WITH_JWKS_URI);
    }
    Optional<Duration> clockSkew = r.optionalDuration(CLOCK_SKEW);
    List<RequestAuthentication.ClaimToHeader> claims =
        r.list(CLAIM_TO_HEADERS, false, RequestAuthenticationMapper::claimToHeader);
    if (!r.finish()) {
      return null;
    }
    RequestAuthentication.Jwks jwks = jwksUri.isPresent()
        ? new RequestAuthentication.Jwks.Remote(jwksUri.get(), cacheDuration)
        : new RequestAuthentication.Jwks.Inline(inline.orElseThrow());
    return new RequestAuthentication.JwtIssuer(issuer, audiences, jwks, clockSkew, claims);
  }

  private static RequestAuthentication.ClaimToHeader claimToHeader(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String claim = r.string(CLAIM);
    String header = r.string(HEADER);
    return r.finish() ? new RequestAuthentication.ClaimToHeader(claim, header) : null;
  }

  static ObjectNode encode(RequestAuthentication.Spec spec) {
    ObjectNode n = Trees.object();
    n.put(SERVICE, spec.service());
    ArrayNode issuers = n.putArray(ISSUERS);
    for (RequestAuthentication.JwtIssuer issuer : spec.issuers()) {
      ObjectNode in = issuers.addObject();
      in.put(ISSUER, issuer.issuer());
      Trees.putStrings(in, AUDIENCES, issuer.audiences());
      if (issuer.jwks() instanceof RequestAuthentication.Jwks.Remote remote) {
        in.put(JWKS_URI, remote.uri());
        Trees.putDuration(in, JWKS_CACHE_DURATION, remote.cacheDuration());
      } else if (issuer.jwks() instanceof RequestAuthentication.Jwks.Inline keys) {
        in.put(JWKS, keys.json());
      } else {
        throw new AssertionError(issuer.jwks());
      }
      Trees.putDuration(in, CLOCK_SKEW, issuer.clockSkew());
      if (!issuer.claimToHeaders().isEmpty()) {
        ArrayNode claims = in.putArray(CLAIM_TO_HEADERS);
        for (RequestAuthentication.ClaimToHeader claim : issuer.claimToHeaders()) {
          claims.addObject().put(CLAIM, claim.claim()).put(HEADER, claim.header());
        }
      }
    }
    return n;
  }
}
