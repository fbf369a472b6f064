package io.paymesh.config.validation;

import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.RateLimitPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Rules of a RateLimitPolicy spec: unique limit names, a sane token bucket, and a key. The interval
 * floor is Envoy's: its local rate limiter refuses a fill interval under 50ms, and a document
 * that validates here must not be NACKed later.
 */
final class RateLimitPolicyValidator {
  static final Duration MIN_INTERVAL = Duration.ofMillis(50);
  static final String INTERVAL_TOO_SHORT = "must be >= " + Durations.format(MIN_INTERVAL);
  /** Headers carrying credentials: a key's values may reach logs and stats, a token must not. */
  static final List<String> CREDENTIAL_HEADERS =
      List.of("authorization", "proxy-authorization", "cookie");
  static final String CREDENTIAL_HEADER =
      "must not be a credential header (" + String.join(", ", CREDENTIAL_HEADERS) + ")";

  private RateLimitPolicyValidator() {}

  static String burstBelowTokens(int tokens) {
    return "must be >= tokens (" + tokens + ")";
  }

  static void validate(ErrorCollector c, RateLimitPolicy policy) {
    RateLimitPolicy.Spec spec = policy.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    Checks.dnsLabel(c.at("service"), spec.service());
    List<RateLimitPolicy.RateLimit> limits = spec.limits();
    if (!Checks.notEmpty(c.at("limits"), limits)) {
      return;
    }
    Checks.uniqueNames(c, "limits", limits, RateLimitPolicy.RateLimit::name);
    for (int i = 0; i < limits.size(); i++) {
      RateLimitPolicy.RateLimit limit = limits.get(i);
      if (c.atIndex("limits", i).require(limit)) {
        limit(c.atElement("limits", i, limit.name()), limit);
      }
    }
  }

  private static void limit(ErrorCollector c, RateLimitPolicy.RateLimit limit) {
    Checks.dnsLabel(c.at("name"), limit.name());
    Optional<PathMatch> path = limit.path();
    if (path != null) {
      path.ifPresent(p -> RequestChecks.path(c.at("path"), p));
    }
    key(c.at("key"), limit.key());
    boolean tokensValid = limit.tokens() >= 1;
    if (!tokensValid) {
      c.add("tokens", Messages.AT_LEAST_ONE);
    }
    if (Checks.positive(c.at("interval"), limit.interval())
        && limit.interval().compareTo(MIN_INTERVAL) < 0) {
      c.add("interval", INTERVAL_TOO_SHORT);
    }
    if (tokensValid) {
      if (limit.burst() < limit.tokens()) {
        c.add("burst", burstBelowTokens(limit.tokens()));
      }
    } else if (limit.burst() < 1) {
      c.add("burst", Messages.AT_LEAST_ONE);
    }
  }

  private static void key(ErrorCollector c, RateLimitPolicy.Key key) {
    if (!c.require(key)) {
      return;
    }
    if (key instanceof RateLimitPolicy.Key.Header) {
      ErrorCollector hc = c.at("header");
      String name = ((RateLimitPolicy.Key.Header) key).name();
      if (!hc.require(name)) {
        return;
      }
      if (!Names.isHeaderName(name)) {
        hc.add(Messages.HEADER_NAME);
      } else if (CREDENTIAL_HEADERS.contains(name)) {
        hc.add(CREDENTIAL_HEADER);
      }
    } else if (!(key instanceof RateLimitPolicy.Key.Caller)) {
      throw new AssertionError(key);
    }
  }
}
