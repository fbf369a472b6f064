package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The spec of a RateLimitPolicy document and its limits. A limit's key is {@code {header: h}} or
 * {@code {caller: true}}; like a header's {@code present}, {@code caller: false} is refused rather
 * than read as "no key", so a limit is never silently global.
 */
final class RateLimitPolicyMapper {
  static final String SERVICE = "service";
  static final String LIMITS = "limits";
  static final String PATH = "path";
  static final String KEY = "key";
  static final String HEADER = "header";
  static final String CALLER = "caller";
  static final String TOKENS = "tokens";
  static final String INTERVAL = "interval";
  static final String BURST = "burst";

  private RateLimitPolicyMapper() {}

  static RateLimitPolicy.Spec decode(NodeReader r) {
    String service = r.string(SERVICE);
    List<RateLimitPolicy.RateLimit> limits = r.list(LIMITS, true, RateLimitPolicyMapper::limit);
    return r.finish() ? new RateLimitPolicy.Spec(service, limits) : null;
  }

  private static RateLimitPolicy.RateLimit limit(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    JsonNode pathNode = r.raw(PATH);
    Optional<PathMatch> path = pathNode == null
        ? Optional.empty()
        : Optional.ofNullable(PathMatchMapper.decode(pathNode, c.at(PATH)));
    NodeReader keyReader = r.object(KEY, true);
    RateLimitPolicy.Key key = keyReader == null ? null : key(keyReader);
    Integer tokens = r.integer(TOKENS);
    Duration interval = r.duration(INTERVAL);
    Integer burst = r.integer(BURST);
    if (!r.finish()) {
      return null;
    }
    return new RateLimitPolicy.RateLimit(name, path, key, tokens, interval, burst);
  }

  private static RateLimitPolicy.Key key(NodeReader r) {
    boolean hasHeader = r.raw(HEADER) != null;
    boolean hasCaller = r.raw(CALLER) != null;
    RateLimitPolicy.Key key = null;
    if (hasHeader == hasCaller) {
      r.errors().add(Messages.exactlyOneOf(HEADER, CALLER));
    } else if (hasHeader) {
      key = r.optionalString(HEADER).map(RateLimitPolicy.Key.Header::new).orElse(null);
    } else {
      Boolean caller = r.bool(CALLER);
      if (Boolean.FALSE.equals(caller)) {
        r.errors().add(CALLER, Messages.MUST_BE_TRUE);
      }
      key = new RateLimitPolicy.Key.Caller();
    }
    return r.finish() ? key : null;
  }

  static ObjectNode encode(RateLimitPolicy.Spec spec) {
    ObjectNode n = Trees.object();
    n.put(SERVICE, spec.service());
    ArrayNode limits = n.putArray(LIMITS);
    for (RateLimitPolicy.RateLimit limit : spec.limits()) {
      ObjectNode ln = limits.addObject();
      ln.put("name", limit.name());
      limit.path().ifPresent(p -> ln.set(PATH, PathMatchMapper.encode(p)));
      ln.set(KEY, encode(limit.key()));
      ln.put(TOKENS, limit.tokens());
      Trees.putDuration(ln, INTERVAL, limit.interval());
      ln.put(BURST, limit.burst());
    }
    return n;
  }

  private static ObjectNode encode(RateLimitPolicy.Key key) {
    ObjectNode n = Trees.object();
    if (key instanceof RateLimitPolicy.Key.Header) {
      n.put(HEADER, ((RateLimitPolicy.Key.Header) key).name());
    } else if (key instanceof RateLimitPolicy.Key.Caller) {
      n.put(CALLER, true);
    } else {
      throw new AssertionError(key);
    }
    return n;
  }
}
