package io.paymesh.xds;

import io.paymesh.config.store.PolicySnapshot;
import java.util.function.Supplier;

/**
 * The policy snapshot this replica serves now, for the readers that are not the snapshot
 * pipeline: the ADS authenticator (which Service has which identity) and the workload CA (which
 * identity a Service gets). Null until the first policy has been read.
 */
public final class CurrentPolicy implements Supplier<PolicySnapshot> {
  private volatile PolicySnapshot policy;

  @Override
  public PolicySnapshot get() {
    return policy;
  }

  void set(PolicySnapshot policy) {
    this.policy = policy;
  }
}
