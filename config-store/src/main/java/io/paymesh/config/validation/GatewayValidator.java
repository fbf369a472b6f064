package io.paymesh.config.validation;

import io.paymesh.config.model.Gateway;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rules of a Gateway spec: unique listeners and ports, API products with hosts no other product
 * of the gateway answers on, and versions whose fields fit their status (a retired version has
 * nothing to forward to; a deprecated one says when it ends). That a backend is a Service the
 * gateway's own Service depends on needs other documents: the Gate checks it.
 */
final class GatewayValidator {
  static final String DUPLICATE_PORT = "duplicate port";
  static final String DUPLICATE_HOST = "duplicate host (each host belongs to one API)";
  static final String REQUIRED_UNLESS_RETIRED = "required unless status is RETIRED";
  static final String NOT_WHEN_RETIRED =
      "not allowed when status is RETIRED: a retired version is answered with 410 by the gateway";
  static final String REQUIRED_WHEN_DEPRECATED = "required when status is DEPRECATED";
  static final String REQUIRED_WHEN_RETIRED = "required when status is RETIRED (the day it was retired)";
  static final String NOT_WHEN_ACTIVE = "only allowed when status is DEPRECATED or RETIRED";
  static final String SUNSET_BEFORE_DEPRECATION = "must not be before deprecatedOn";
  static final String DUPLICATE_ISSUER = "duplicate issuer";
  static final String DUPLICATE_SCOPE = "duplicate scope";
  static final String NO_WHITESPACE = "must not be empty or contain whitespace";
  static final String ORIGIN =
      "must be an https origin like https://checkout.example.com (no path, no wildcard)";
  static final List<String> CORS_METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH");
  static final String CORS_METHOD = Messages.oneOf(CORS_METHODS);
  static final Duration MAX_CORS_AGE = Duration.ofHours(24);
  static final String MAX_AGE = "must be whole seconds between 1s and 24h";
  private static final java.util.regex.Pattern ORIGIN_SYNTAX = java.util.regex.Pattern.compile(
      "https://[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?");
  static final String API_VERSION = RouteMatchValidator.API_VERSION_SYNTAX;

  private GatewayValidator() {}

  static void validate(ErrorCollector c, Gateway gateway) {
    Gateway.Spec spec = gateway.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    Checks.dnsLabel(c.at("service"), spec.service());
    listeners(c, spec.listeners());
    apis(c, spec.apis());
  }

  private static void listeners(ErrorCollector c, List<Gateway.Listener> listeners) {
    if (!Checks.notEmpty(c.at("listeners"), listeners)) {
      return;
    }
    Checks.uniqueNames(c, "listeners", listeners, Gateway.Listener::name);
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < listeners.size(); i++) {
      Gateway.Listener listener = listeners.get(i);
      if (!c.atIndex("listeners", i).require(listener)) {
        continue;
      }
      ErrorCollector lc = c.atElement("listeners", i, listener.name());
      Checks.dnsLabel(lc.at("name"), listener.name());
      Checks.port(lc.at("port"), listener.port());
      if (!ports.add(listener.port())) {
        lc.add("port", DUPLICATE_PORT);
      }
    }
  }

  private static void apis(ErrorCollector c, List<Gateway.Api> apis) {
    if (!Checks.notEmpty(c.at("apis"), apis)) {
      return;
    }
    Checks.uniqueNames(c, "apis", apis, Gateway.Api::name);
    Set<String> hosts = new HashSet<>();
    for (int i = 0; i < apis.size(); i++) {
      Gateway.Api api = apis.get(i);
      if (!c.atIndex("apis", i).require(api)) {
        continue;
      }
      ErrorCollector ac = c.atElement("apis", i, api.name());
      Checks.dnsLabel(ac.at("name"), api.name());
      if (Checks.notEmpty(ac.at("hosts"), api.hosts())) {
        for (int h = 0; h < api.hosts().size(); h++) {
          ErrorCollector hc = ac.atIndex("hosts", h);
          String host = api.hosts().get(h);
          Checks.dnsName(hc, host);
          if (host != null && !hosts.add(host)) {
            hc.add(DUPLICATE_HOST);
          }
        }
      }
      versions(ac, api.versions());
    }
  }

  private static void versions(ErrorCollector c, List<Gateway.Version> versions) {
    if (!Checks.notEmpty(c.at("versions"), versions)) {
      return;
    }
    Checks.uniqueNames(c, "versions", versions, Gateway.Version::name);
    for (int i = 0; i < versions.size(); i++) {
      Gateway.Version version = versions.get(i);
      if (c.atIndex("versions", i).require(version)) {
        version(c.atElement("versions", i, version.name()), version);
      }
    }
  }

  private static void version(ErrorCollector c, Gateway.Version version) {
    String value = version.name();
    if (c.at("name").require(value) && !Names.isApiVersion(value)) {
      c.add("name", API_VERSION);
    }
    Optional<String> backend = version.backend();
    Optional<Duration> timeout = version.timeout();
    Optional<LocalDate> deprecatedOn = version.deprecatedOn();
    Optional<LocalDate> sunset = version.sunset();
    switch (version.status()) {
      case ACTIVE, DEPRECATED -> {
        if (backend.isEmpty()) {
          c.add("backend", REQUIRED_UNLESS_RETIRED);
        } else {
          Checks.dnsLabel(c.at("backend"), backend.get());
        }
        if (timeout.isEmpty()) {
          c.add("timeout", REQUIRED_UNLESS_RETIRED);
        } else {
          Checks.positive(c.at("timeout"), timeout.get());
        }
        if (version.status() == Gateway.Status.ACTIVE) {
          deprecatedOn.ifPresent(d -> c.add("deprecatedOn", NOT_WHEN_ACTIVE));
          sunset.ifPresent(d -> c.add("sunset", NOT_WHEN_ACTIVE));
        } else {
          if (deprecatedOn.isEmpty()) {
            c.add("deprecatedOn", REQUIRED_WHEN_DEPRECATED);
          }
          if (sunset.isEmpty()) {
            c.add("sunset", REQUIRED_WHEN_DEPRECATED);
          }
        }
      }
      case RETIRED -> {
        backend.ifPresent(b -> c.add("backend", NOT_WHEN_RETIRED));
        timeout.ifPresent(t -> c.add("timeout", NOT_WHEN_RETIRED));
        if (sunset.isEmpty()) {
          c.add("sunset", REQUIRED_WHEN_RETIRED);
        }
      }
      default -> throw new AssertionError(version.status());
    }
    if (deprecatedOn.isPresent() && sunset.isPresent()
        && sunset.get().isBefore(deprecatedOn.get())) {
      c.add("sunset", SUNSET_BEFORE_DEPRECATION);
    }
    uniqueStrings(c, "issuers", version.issuers(), NO_WHITESPACE, DUPLICATE_ISSUER);
    uniqueStrings(c, "scopes", version.scopes(), NO_WHITESPACE, DUPLICATE_SCOPE);
    Optional<Gateway.Cors> cors = version.cors();
    if (cors != null && cors.isPresent()) {
      cors(c.at("cors"), cors.get());
    }
  }

  /** Exact https origins only: CORS is for the merchants' checkout pages, never any page. */
  private static void cors(ErrorCollector c, Gateway.Cors cors) {
    if (Checks.notEmpty(c.at("allowOrigins"), cors.allowOrigins())) {
      for (int i = 0; i < cors.allowOrigins().size(); i++) {
        String origin = cors.allowOrigins().get(i);
        if (c.atIndex("allowOrigins", i).require(origin)
            && !ORIGIN_SYNTAX.matcher(origin).matches()) {
          c.atIndex("allowOrigins", i).add(ORIGIN);
        }
      }
    }
    if (Checks.notEmpty(c.at("allowMethods"), cors.allowMethods())) {
      for (int i = 0; i < cors.allowMethods().size(); i++) {
        String method = cors.allowMethods().get(i);
        if (c.atIndex("allowMethods", i).require(method) && !CORS_METHODS.contains(method)) {
          c.atIndex("allowMethods", i).add(CORS_METHOD);
        }
      }
    }
    for (int i = 0; i < cors.allowHeaders().size(); i++) {
      String header = cors.allowHeaders().get(i);
      if (c.atIndex("allowHeaders", i).require(header) && !Names.isHeaderName(header)) {
        c.atIndex("allowHeaders", i).add(Messages.HEADER_NAME);
      }
    }
    Optional<Duration> maxAge = cors.maxAge();
    if (maxAge != null && maxAge.isPresent()) {
      Duration d = maxAge.get();
      if (d.toMillis() % 1000 != 0 || d.compareTo(Duration.ofSeconds(1)) < 0
          || d.compareTo(MAX_CORS_AGE) > 0) {
        c.add("maxAge", MAX_AGE);
      }
    }
  }

  /** Each element non-empty and without whitespace (a scope claim is space-separated). */
  private static void uniqueStrings(
      ErrorCollector c, String field, List<String> values, String bad, String duplicate) {
    if (values == null) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      ErrorCollector ec = c.atIndex(field, i);
      String value = values.get(i);
      if (!ec.require(value)) {
        continue;
      }
      if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
        ec.add(bad);
      } else if (!seen.add(value)) {
        ec.add(duplicate);
      }
    }
  }
}
