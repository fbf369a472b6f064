package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.AuthorizationPolicy.EnforcementMode;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.validation.ErrorCollector;
import java.util.List;

/**
 * The spec of an AuthorizationPolicy document. {@code rules} is required and always written, so
 * "deny everything" is an explicit {@code rules: []}, never an accident of omission.
 */
final class AuthorizationPolicyMapper {
  private AuthorizationPolicyMapper() {}

  static AuthorizationPolicy.Spec decode(NodeReader r) {
    String service = r.string("service");
    EnforcementMode mode = r.enumValue("mode", EnforcementMode.class, EnforcementMode.ENFORCE);
    List<AuthorizationPolicy.Rule> rules = r.list("rules", true, AuthorizationPolicyMapper::rule);
    return r.finish() ? new AuthorizationPolicy.Spec(service, mode, rules) : null;
  }

  private static AuthorizationPolicy.Rule rule(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    List<String> callers = r.strings("callers", true);
    List<AuthorizationPolicy.RequestMatch> to =
        r.list("to", true, AuthorizationPolicyMapper::requestMatch);
    return r.finish() ? new AuthorizationPolicy.Rule(name, callers, to) : null;
  }

  private static AuthorizationPolicy.RequestMatch requestMatch(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    List<String> methods = r.strings("methods", false);
    List<PathMatch> paths = r.list("paths", true, PathMatchMapper::decode);
    return r.finish() ? new AuthorizationPolicy.RequestMatch(methods, paths) : null;
  }

  static ObjectNode encode(AuthorizationPolicy.Spec spec) {
    ObjectNode n = Trees.object();
    n.put("service", spec.service());
    n.put("mode", spec.mode().name());
    ArrayNode rules = n.putArray("rules");
    for (AuthorizationPolicy.Rule rule : spec.rules()) {
      ObjectNode rn = rules.addObject();
      rn.put("name", rule.name());
      Trees.putStrings(rn, "callers", rule.callers());
      ArrayNode to = rn.putArray("to");
      for (AuthorizationPolicy.RequestMatch m : rule.to()) {
        ObjectNode mn = to.addObject();
        Trees.putStringsIfAny(mn, "methods", m.methods());
        ArrayNode paths = mn.putArray("paths");
        m.paths().forEach(p -> paths.add(PathMatchMapper.encode(p)));
      }
    }
    return n;
  }
}
