package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.util.Optional;

/** {@code {exact: /a}} or {@code {prefix: /a/}}, used by routes and authorization rules. */
final class PathMatchMapper {
  static final String EXACT = "exact";
  static final String PREFIX = "prefix";

  private PathMatchMapper() {}

  static PathMatch decode(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    boolean hasExact = r.raw(EXACT) != null;
    boolean hasPrefix = r.raw(PREFIX) != null;
    Optional<String> exact = r.optionalString(EXACT);
    Optional<String> prefix = r.optionalString(PREFIX);
    if (hasExact == hasPrefix) {
      c.add(Messages.exactlyOneOf(EXACT, PREFIX));
    }
    if (!r.finish()) {
      return null;
    }
    return exact.isPresent() ? new PathMatch.Exact(exact.get()) : new PathMatch.Prefix(prefix.get());
  }

  static ObjectNode encode(PathMatch path) {
    ObjectNode n = Trees.object();
    if (path instanceof PathMatch.Exact) {
      n.put(EXACT, ((PathMatch.Exact) path).path());
    } else if (path instanceof PathMatch.Prefix) {
      n.put(PREFIX, ((PathMatch.Prefix) path).prefix());
    } else {
      throw new AssertionError(path);
    }
    return n;
  }
}
