package io.paymesh.xds.gate;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The full Gate, counting how often it checks each group: shows a test which groups were built. */
public final class CountingGate {
  private CountingGate() {}

  /** @param checked incremented for each full check of a group; must be thread-safe */
  public static Gate counting(Map<ProxyGroup, Integer> checked) {
    List<GateCheck> checks = new ArrayList<>(Gate.allChecks());
    checks.add(new GateCheck() {
      @Override
      public String invariant() {
        return "test-count";
      }

      @Override
      public List<GateViolation> check(
          PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
        checked.merge(group, 1, Integer::sum);
        return List.of();
      }
    });
    return new Gate(checks);
  }
}
