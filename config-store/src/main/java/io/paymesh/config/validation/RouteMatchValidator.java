package io.paymesh.config.validation;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RouteTable;
import java.util.List;
import java.util.Optional;

/**
 * Rules of a route's match: path, methods, header and query parameter conditions, and an API
 * version that agrees with the path and the headers.
 */
final class RouteMatchValidator {
  static final String API_VERSION_SYNTAX =
      "must be 1 to 63 letters, digits, '.', '-' or '_', starting with a letter or digit"
          + " (e.g. v2, 2024-06-01)";
  static final String HEADER_TAKEN_BY_API_VERSION =
      "conflicts with apiVersion, which matches the " + ApiVersionMatch.HEADER + " header";

  private RouteMatchValidator() {}

  static void validate(ErrorCollector c, RouteTable.RouteMatch match) {
    if (!c.require(match)) {
      return;
    }
    RequestChecks.path(c.at("path"), match.path());
    RequestChecks.methods(c, match.methods());
    List<HeaderMatch> headers = match.headers();
    if (c.at("headers").require(headers)) {
      for (int i = 0; i < headers.size(); i++) {
        HeaderMatch h = headers.get(i);
        header(c.atElement("headers", i, h.name()), h);
      }
    }
    List<QueryParameterMatch> parameters = match.queryParameters();
    if (c.at("queryParameters").require(parameters)) {
      for (int i = 0; i < parameters.size(); i++) {
        QueryParameterMatch q = parameters.get(i);
        queryParameter(c.atElement("queryParameters", i, q.name()), q);
      }
    }
    Optional<ApiVersionMatch> apiVersion = match.apiVersion();
    if (apiVersion != null && apiVersion.isPresent()) {
      apiVersion(c, apiVersion.get(), match);
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

  /**
   * Names and values are restricted to characters a URL never percent-encodes, so the condition
   * means the same whether a proxy compares the raw or the decoded query string.
   */
  private static void queryParameter(ErrorCollector c, QueryParameterMatch q) {
    urlToken(c.at("name"), q.name());
    QueryParameterMatch.Condition condition = q.condition();
    if (condition == null) {
      c.add(Messages.exactlyOneOf("exact", "prefix", "present"));
    } else if (condition instanceof QueryParameterMatch.Exact e) {
      urlToken(c.at("exact"), e.value());
    } else if (condition instanceof QueryParameterMatch.Prefix p) {
      urlToken(c.at("prefix"), p.value());
    } else if (!(condition instanceof QueryParameterMatch.Present)) {
      throw new AssertionError(condition);
    }
  }

  private static void urlToken(ErrorCollector c, String value) {
    if (!c.require(value)) {
      return;
    }
    if (value.isEmpty()) {
      c.add(Messages.NOT_EMPTY);
    } else if (!Names.isUrlToken(value)) {
      c.add(Messages.URL_TOKEN);
    }
  }

  /**
   * The version's own syntax, then what it must agree with: in the path, the route's path must lie
   * under {@code /<version>/}; in a header, no header condition may name that header too.
   */
  private static void apiVersion(
      ErrorCollector c, ApiVersionMatch version, RouteTable.RouteMatch match) {
    ErrorCollector vc = c.at("apiVersion");
    ErrorCollector valueErrors = vc.at("value");
    boolean valueValid = valueErrors.require(version.value());
    if (valueValid && !Names.isApiVersion(version.value())) {
      valueErrors.add(API_VERSION_SYNTAX);
      valueValid = false;
    }
    if (!vc.at("in").require(version.in()) || !valueValid) {
      return;
    }
    switch (version.in()) {
      case PATH_PREFIX -> pathUnderVersion(c.at("path"), match.path(), version);
      case HEADER -> {
        List<HeaderMatch> headers = match.headers() == null ? List.of() : match.headers();
        for (int i = 0; i < headers.size(); i++) {
          HeaderMatch h = headers.get(i);
          if (ApiVersionMatch.HEADER.equals(h.name())) {
            c.atElement("headers", i, h.name()).add(HEADER_TAKEN_BY_API_VERSION);
          }
        }
      }
      default -> throw new AssertionError(version.in());
    }
  }

  /** Reports at {@code path.exact} or {@code path.prefix}, as the field is named. */
  private static void pathUnderVersion(ErrorCollector c, PathMatch path, ApiVersionMatch version) {
    String prefix = version.pathPrefix();
    String message = "must start with '" + prefix + "', the path prefix of apiVersion "
        + version.value();
    if (path instanceof PathMatch.Exact e && e.path() != null && e.path().startsWith("/")
        && !e.path().startsWith(prefix)) {
      c.add("exact", message);
    } else if (path instanceof PathMatch.Prefix p && p.prefix() != null
        && p.prefix().startsWith("/") && !p.prefix().startsWith(prefix)) {
      c.add("prefix", message);
    }
  }
}
