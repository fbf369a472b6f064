package io.paymesh.xds.ads;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.ProxyGroup;

/** For tests and benchmarks that drive a {@link SnapshotPublisher} without proxies. */
public final class Publishers {
  private Publishers() {}

  /**
   * Asks for every client family's group of every service of {@code policy}, as if each had a
   * proxy connected, so that a publish builds them all (see {@link SnapshotPublisher#demand}).
   */
  public static SnapshotPublisher demandEveryGroup(
      SnapshotPublisher publisher, PolicySnapshot policy) {
    policy.services().keySet()
        .forEach(service -> ProxyGroup.everyFamily(service).forEach(publisher::demand));
    return publisher;
  }
}
