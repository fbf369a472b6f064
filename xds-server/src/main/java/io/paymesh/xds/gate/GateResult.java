package io.paymesh.xds.gate;

import java.util.List;

/** The Gate's verdict on one group: every violation found, none means the group may be pushed. */
public record GateResult(List<GateViolation> violations) {
  public GateResult {
    violations = List.copyOf(violations);
  }

  public boolean passed() {
    return violations.isEmpty();
  }
}
