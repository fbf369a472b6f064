package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.HeaderMatch;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.util.List;

/** A route's match: path, optional methods (default any), optional header conditions. */
final class RouteMatchMapper {
  static final String EXACT = "exact";
  static final String PREFIX = "prefix";
  static final String PRESENT = "present";

  private RouteMatchMapper() {}

  static RouteTable.RouteMatch decode(NodeReader r) {
    JsonNode pathNode = r.required("path");
    PathMatch path = pathNode == null ? null : PathMatchMapper.decode(pathNode, r.errors().at("path"));
    List<String> methods = r.strings("methods", false);
    List<HeaderMatch> headers = r.list("headers", false, RouteMatchMapper::header);
    return r.finish() ? new RouteTable.RouteMatch(path, methods, headers) : null;
  }

  private static HeaderMatch header(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    int conditions = 0;
    HeaderMatch.Condition condition = null;
    if (r.raw(EXACT) != null) {
      conditions++;
      condition = r.optionalString(EXACT).map(HeaderMatch.Exact::new).orElse(null);
    }
    if (r.raw(PREFIX) != null) {
      conditions++;
      condition = r.optionalString(PREFIX).map(HeaderMatch.Prefix::new).orElse(null);
    }
    if (r.raw(PRESENT) != null) {
      conditions++;
      Boolean present = r.bool(PRESENT);
      if (Boolean.FALSE.equals(present)) {
        c.add(PRESENT, Messages.MUST_BE_TRUE);
      }
      condition = new HeaderMatch.Present();
    }
    if (conditions != 1) {
      c.add(Messages.exactlyOneOf(EXACT, PREFIX, PRESENT));
    }
    return r.finish() ? new HeaderMatch(name, condition) : null;
  }

  static ObjectNode encode(RouteTable.RouteMatch match) {
    ObjectNode n = Trees.object();
    n.set("path", PathMatchMapper.encode(match.path()));
    Trees.putStringsIfAny(n, "methods", match.methods());
    if (!match.headers().isEmpty()) {
      ArrayNode headers = n.putArray("headers");
      match.headers().forEach(h -> headers.add(encode(h)));
    }
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
}
