package io.paymesh.config.validation;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.PathMatch;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rules of an AuthorizationPolicy spec. Callers must be named services: a wildcard would be an
 * "any" principal, which invariant 5 forbids. An empty rule list is valid and denies everything.
 */
final class AuthorizationPolicyValidator {
  static final String WILDCARD = "*";
  static final String DUPLICATE_CALLER = "duplicate caller";

  private AuthorizationPolicyValidator() {}

  static void validate(ErrorCollector c, AuthorizationPolicy policy) {
    AuthorizationPolicy.Spec spec = policy.spec();
    if (!c.at("spec").require(spec)) {
      return;
    }
    Checks.dnsLabel(c.at("service"), spec.service());
    c.at("mode").require(spec.mode());
    List<AuthorizationPolicy.Rule> rules = spec.rules();
    if (!c.at("rules").require(rules)) {
      return;
    }
    Checks.uniqueNames(c, "rules", rules, AuthorizationPolicy.Rule::name);
    for (int i = 0; i < rules.size(); i++) {
      AuthorizationPolicy.Rule rule = rules.get(i);
      rule(c.atElement("rules", i, rule.name()), rule);
    }
  }

  private static void rule(ErrorCollector c, AuthorizationPolicy.Rule rule) {
    Checks.dnsLabel(c.at("name"), rule.name());
    if (Checks.notEmpty(c.at("callers"), rule.callers())) {
      callers(c, rule.callers());
    }
    List<AuthorizationPolicy.RequestMatch> to = rule.to();
    if (!Checks.notEmpty(c.at("to"), to)) {
      return;
    }
    for (int i = 0; i < to.size(); i++) {
      ErrorCollector tc = c.atIndex("to", i);
      AuthorizationPolicy.RequestMatch match = to.get(i);
      RequestChecks.methods(tc, match.methods());
      List<PathMatch> paths = match.paths();
      if (Checks.notEmpty(tc.at("paths"), paths)) {
        for (int j = 0; j < paths.size(); j++) {
          RequestChecks.path(tc.atIndex("paths", j), paths.get(j));
        }
      }
    }
  }

  private static void callers(ErrorCollector c, List<String> callers) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < callers.size(); i++) {
      ErrorCollector cc = c.atIndex("callers", i);
      String caller = callers.get(i);
      if (WILDCARD.equals(caller)) {
        cc.add(Messages.WILDCARD_CALLER);
      } else {
        Checks.dnsLabel(cc, caller);
        if (!seen.add(caller)) {
          cc.add(DUPLICATE_CALLER);
        }
      }
    }
  }
}
