package io.paymesh.config.model;

import java.util.List;

/**
 * Which callers (by Service name, hence SPIFFE identity) may call which methods and paths of one
 * service. Inbound traffic is denied unless some ENFORCE policy allows it; SHADOW policies are
 * evaluated and logged only.
 */
public record AuthorizationPolicy(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.AUTHORIZATION_POLICY;
  }

  public record Spec(String service, EnforcementMode mode, List<Rule> rules) {
    public Spec {
      rules = List.copyOf(rules);
    }
  }

  /** Allows {@code callers} to send requests matching any of {@code to}. */
  public record Rule(String name, List<String> callers, List<RequestMatch> to) {
    public Rule {
      callers = List.copyOf(callers);
      to = List.copyOf(to);
    }
  }

  /** Empty {@code methods} means any method; {@code paths} must not be empty. */
  public record RequestMatch(List<String> methods, List<PathMatch> paths) {
    public RequestMatch {
      methods = List.copyOf(methods);
      paths = List.copyOf(paths);
    }
  }

  public enum EnforcementMode {
    ENFORCE,
    SHADOW
  }
}
