package io.paymesh.xds.gate;

import java.util.List;

/** Gates of some checks only, for benchmarks outside this package that measure one invariant. */
public final class GateVariants {
  private GateVariants() {}

  /** The checks of {@code invariant} alone. */
  public static Gate only(String invariant) {
    return new Gate(
        Gate.allChecks().stream().filter(c -> c.invariant().equals(invariant)).toList());
  }

  /** Every check except those of {@code invariant}. */
  public static Gate without(String invariant) {
    List<GateCheck> checks =
        Gate.allChecks().stream().filter(c -> !c.invariant().equals(invariant)).toList();
    return new Gate(checks);
  }
}
