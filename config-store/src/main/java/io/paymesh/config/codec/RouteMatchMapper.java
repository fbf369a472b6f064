package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.QueryParameterMatch;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A route's match: path, optional methods (default any), optional header and query parameter
 * conditions, optional API version. The path may be left out when the API version is in the path:
 * it is then the version's prefix ({@code /v2/}).
 */
final class RouteMatchMapper {
  static final String EXACT = "exact";
  static final String PREFIX = "prefix";
  static final String PRESENT = "present";
  static final String PATH = "path";
  static final String API_VERSION = "apiVersion";

  /** How one kind of match (header, query parameter) builds its three conditions. */
  private record Conditions<C>(
      Function<String, C> exact, Function<String, C> prefix, Supplier<C> present) {}

  private static final Conditions<HeaderMatch.Condition> HEADER_CONDITIONS =
      new Conditions<>(HeaderMatch.Exact::new, HeaderMatch.Prefix::new, HeaderMatch.Present::new);
  private static final Conditions<QueryParameterMatch.Condition> QUERY_CONDITIONS =
      new Conditions<>(
          QueryParameterMatch.Exact::new,
          QueryParameterMatch.Prefix::new,
          QueryParameterMatch.Present::new);

  private RouteMatchMapper() {}

  static RouteTable.RouteMatch decode(NodeReader r) {
    JsonNode pathNode = r.raw(PATH);
    PathMatch path = pathNode == null ? null : PathMatchMapper.decode(pathNode, r.errors().at(PATH));
    List<String> methods = r.strings("methods", false);
    List<HeaderMatch> headers =
        r.list("headers", false, (node, c) -> named(node, c, HEADER_CONDITIONS, HeaderMatch::new));
    List<QueryParameterMatch> queryParameters =
        r.list("queryParameters", false,
            (node, c) -> named(node, c, QUERY_CONDITIONS, QueryParameterMatch::new));
    boolean hasApiVersion = r.raw(API_VERSION) != null;
    Optional<ApiVersionMatch> apiVersion = apiVersion(r.object(API_VERSION, false));
    if (pathNode == null) {
      // A version in the path is a path condition of its own: the path defaults to its prefix.
      boolean versionInPath =
          apiVersion.isPresent() && apiVersion.get().in() == ApiVersionMatch.In.PATH_PREFIX;
      if (versionInPath) {
        path = new PathMatch.Prefix(apiVersion.get().pathPrefix());
      } else if (!hasApiVersion || apiVersion.isPresent()) {
        // (A malformed apiVersion is reported already; whether it needs a path is unknown.)
        r.errors().add(PATH, Messages.REQUIRED);
      }
    }
    if (!r.finish()) {
      return null;
    }
    return new RouteTable.RouteMatch(path, methods, headers, queryParameters, apiVersion);
  }

  private static Optional<ApiVersionMatch> apiVersion(NodeReader r) {
    if (r == null) {
      return Optional.empty();
    }
    String value = r.string("value");
    ApiVersionMatch.In in = r.enumValue("in", ApiVersionMatch.In.class, null);
    return r.finish() ? Optional.of(new ApiVersionMatch(value, in)) : Optional.empty();
  }

  /** {@code {name, exact: v}}, {@code {name, prefix: v}} or {@code {name, present: true}}. */
  private static <C, M> M named(
      JsonNode node,
      ErrorCollector c,
      Conditions<C> conditions,
      BiFunction<String, C, M> match) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    int count = 0;
    C condition = null;
    if (r.raw(EXACT) != null) {
      count++;
      condition = r.optionalString(EXACT).map(conditions.exact()).orElse(null);
    }
    if (r.raw(PREFIX) != null) {
      count++;
      condition = r.optionalString(PREFIX).map(conditions.prefix()).orElse(null);
    }
    if (r.raw(PRESENT) != null) {
      count++;
      Boolean present = r.bool(PRESENT);
      if (Boolean.FALSE.equals(present)) {
        c.add(PRESENT, Messages.MUST_BE_TRUE);
      }
      condition = conditions.present().get();
    }
    if (count != 1) {
      c.add(Messages.exactlyOneOf(EXACT, PREFIX, PRESENT));
    }
    return r.finish() ? match.apply(name, condition) : null;
  }

  static ObjectNode encode(RouteTable.RouteMatch match) {
    ObjectNode n = Trees.object();
    n.set(PATH, PathMatchMapper.encode(match.path()));
    Trees.putStringsIfAny(n, "methods", match.methods());
    if (!match.headers().isEmpty()) {
      ArrayNode headers = n.putArray("headers");
      match.headers().forEach(h -> headers.add(encode(h)));
    }
    if (!match.queryParameters().isEmpty()) {
      ArrayNode parameters = n.putArray("queryParameters");
      match.queryParameters().forEach(q -> parameters.add(encode(q)));
    }
    match.apiVersion().ifPresent(
        v -> n.putObject(API_VERSION).put("value", v.value()).put("in", v.in().name()));
    return n;
  }

  private static ObjectNode encode(HeaderMatch h) {
    ObjectNode n = Trees.object();
    n.put("name", h.name());
    HeaderMatch.Condition c = h.condition();
    if (c instanceof HeaderMatch.Exact) {
      n.put(EXACT, ((HeaderMatch.Exact) c).value());
    } else if (c instanceof HeaderMatch.Prefix) {
      n.put(PREFIX, ((HeaderMatch.Prefix) c).value());
    } else if (c instanceof HeaderMatch.Present) {
      n.put(PRESENT, true);
    } else {
      throw new AssertionError(c);
    }
    return n;
  }

  private static ObjectNode encode(QueryParameterMatch q) {
    ObjectNode n = Trees.object();
    n.put("name", q.name());
    QueryParameterMatch.Condition c = q.condition();
    if (c instanceof QueryParameterMatch.Exact e) {
      n.put(EXACT, e.value());
    } else if (c instanceof QueryParameterMatch.Prefix p) {
      n.put(PREFIX, p.value());
    } else if (c instanceof QueryParameterMatch.Present) {
      n.put(PRESENT, true);
    } else {
      throw new AssertionError(c);
    }
    return n;
  }
}
