package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.xds.translate.ProxyGroup;

/**
 * The snapshot cache ADS serves from, holding every snapshot as a {@link ContentVersionedSnapshot}
 * so a delta client is sent a resource only when its content changed, across rebuilds, restarts
 * and replicas alike.
 */
public final class ContentVersionedCache extends SimpleCache<ProxyGroup> {

  public ContentVersionedCache() {
    super(new ProxyGroups());
  }

  @Override
  public synchronized void setSnapshot(ProxyGroup group, Snapshot snapshot) {
    super.setSnapshot(group, ContentVersionedSnapshot.of(snapshot));
  }
}
