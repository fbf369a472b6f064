package io.paymesh.config.validation;

import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.RouteTable;
import java.util.List;

/** Rules of a route's match: path, methods and header conditions. */
final class RouteMatchValidator {
  private RouteMatchValidator() {}

  static void validate(ErrorCollector c, RouteTable.RouteMatch match) {
    if (!c.require(match)) {
      return;
    }
    RequestChecks.path(c.at("path"), match.path());
    RequestChecks.methods(c, match.methods());
    List<HeaderMatch> headers = match.headers();
    if (!c.at("headers").require(headers)) {
      return;
    }
    for (int i = 0; i < headers.size(); i++) {
      HeaderMatch h = headers.get(i);
      header(c.atElement("headers", i, h.name()), h);
    }
  }

  private static void header(ErrorCollector c, HeaderMatch h) {
    ErrorCollector nc = c.at("name");
    if (nc.require(h.name()) && !Names.isHeaderName(h.name())) {
      nc.add(Messages.HEADER_NAME);
    }
    HeaderMatch.Condition condition = h.condition();
    if (condition == null) {
      c.add(Messages.exactlyOneOf("exact", "prefix", "present"));
    } else if (condition instanceof HeaderMatch.Exact) {
      Checks.notEmpty(c.at("exact"), ((HeaderMatch.Exact) condition).value());
    } else if (condition instanceof HeaderMatch.Prefix) {
      Checks.notEmpty(c.at("prefix"), ((HeaderMatch.Prefix) condition).value());
    } else if (!(condition instanceof HeaderMatch.Present)) {
      throw new AssertionError(condition);
    }
  }
}
