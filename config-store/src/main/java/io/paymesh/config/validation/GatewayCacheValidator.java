package io.paymesh.config.validation;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PathMatch;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rules of a version's cached READ routes: only GET and HEAD (a write is never cached), a path
 * within the version, and no credential header to vary on (a cached response is shared by every
 * caller, so it may never depend on who calls). A retired version serves nothing to cache. That
 * every route the gateway caches is a READ route is checked again on the output by the Gate.
 */
final class GatewayCacheValidator {
  static final String READ_METHOD = "must be GET or HEAD: only READ routes are cached";
  static final String DUPLICATE_METHOD = "duplicate method";
  static final String DUPLICATE_HEADER = "duplicate header";
  static final String CREDENTIAL_VARY = "must not be a credential header ("
      + String.join(", ", RateLimitPolicyValidator.CREDENTIAL_HEADERS)
      + "): a cached response is shared by every caller";

  private GatewayCacheValidator() {}

  static void validate(ErrorCollector c, Gateway.Version version) {
    List<Gateway.CachedRead> cache = version.cache();
    if (cache == null || cache.isEmpty()) {
      return;
    }
    if (version.status() == Gateway.Status.RETIRED) {
      c.add("cache", GatewayValidator.NOT_WHEN_RETIRED);
      return;
    }
    Checks.uniqueNames(c, "cache", cache, Gateway.CachedRead::name);
    for (int i = 0; i < cache.size(); i++) {
      Gateway.CachedRead read = cache.get(i);
      if (c.atIndex("cache", i).require(read)) {
        read(c.atElement("cache", i, read.name()), read, version.match());
      }
    }
  }

  private static void read(ErrorCollector c, Gateway.CachedRead read, ApiVersionMatch version) {
    Checks.dnsLabel(c.at("name"), read.name());
    if (c.at("path").require(read.path())) {
      path(c, read.path(), version);
    }
    if (Checks.notEmpty(c.at("methods"), read.methods())) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < read.methods().size(); i++) {
        ErrorCollector mc = c.atIndex("methods", i);
        String method = read.methods().get(i);
        if (!mc.require(method)) {
          continue;
        }
        if (!Gateway.CachedRead.READ_METHODS.contains(method)) {
          mc.add(READ_METHOD + " (" + method + " is not a READ)");
        } else if (!seen.add(method)) {
          mc.add(DUPLICATE_METHOD);
        }
      }
    }
    Set<String> headers = new HashSet<>();
    for (int i = 0; i < read.varyOn().size(); i++) {
      ErrorCollector hc = c.atIndex("varyOn", i);
      String header = read.varyOn().get(i);
      if (!hc.require(header)) {
        continue;
      }
      if (!Names.isHeaderName(header)) {
        hc.add(Messages.HEADER_NAME);
      } else if (RateLimitPolicyValidator.CREDENTIAL_HEADERS.contains(header)) {
        hc.add(CREDENTIAL_VARY);
      } else if (!headers.add(header)) {
        hc.add(DUPLICATE_HEADER);
      }
    }
  }

  /** A version in the path only sees requests under its prefix: a cached path must be too. */
  private static void path(ErrorCollector c, PathMatch path, ApiVersionMatch version) {
    String field = path instanceof PathMatch.Exact ? "path.exact" : "path.prefix";
    String value = path instanceof PathMatch.Exact exact ? exact.path()
        : ((PathMatch.Prefix) path).prefix();
    if (!c.at(field).require(value)) {
      return;
    }
    if (!value.startsWith("/")) {
      c.add(field, Messages.STARTS_WITH_SLASH);
    } else if (version != null && version.in() == ApiVersionMatch.In.PATH_PREFIX
        && version.value() != null && !value.startsWith(version.pathPrefix())) {
      c.add(field, "must start with " + version.pathPrefix()
          + " (the version's path prefix): a cached route belongs to its version");
    }
  }
}
