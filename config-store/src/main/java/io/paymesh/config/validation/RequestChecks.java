package io.paymesh.config.validation;

import io.paymesh.config.model.PathMatch;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Path and method conditions, shared by RouteTable matches and AuthorizationPolicy rules. */
final class RequestChecks {
  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  static final String DUPLICATE_METHOD = "duplicate method";

  private RequestChecks() {}

  /** Reports at {@code path.exact} or {@code path.prefix}, as the field is named in the document. */
  static void path(ErrorCollector c, PathMatch path) {
    if (!c.require(path)) {
      return;
    }
    if (path instanceof PathMatch.Exact) {
      startsWithSlash(c.at("exact"), ((PathMatch.Exact) path).path());
    } else if (path instanceof PathMatch.Prefix) {
      startsWithSlash(c.at("prefix"), ((PathMatch.Prefix) path).prefix());
    } else {
      throw new AssertionError(path);
    }
  }

  private static void startsWithSlash(ErrorCollector c, String value) {
    if (c.require(value) && !value.startsWith("/")) {
      c.add(Messages.STARTS_WITH_SLASH);
    }
  }

  static void methods(ErrorCollector c, List<String> methods) {
    if (!c.at("methods").require(methods)) {
      return;
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < methods.size(); i++) {
      ErrorCollector mc = c.atIndex("methods", i);
      String m = methods.get(i);
      if (!METHODS.contains(m)) {
        mc.add(Messages.oneOf(METHODS));
      } else if (!seen.add(m)) {
        mc.add(DUPLICATE_METHOD);
      }
    }
  }
}
