package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The snapshot cache ADS serves from: java-control-plane's SimpleCache with two corrections for
 * delta xDS, so a client is sent a resource only when it differs from what the client holds and
 * told of every resource it holds that no longer exists.
 *
 * <ul>
 *   <li>Every snapshot is held as a {@link ContentVersionedSnapshot}: each resource's version is
 *       a hash of its content, the same across rebuilds, restarts and replicas.
 *   <li>A delta watch waits for its group's first snapshot ({@link DeltaWatchesAwaitingSnapshot})
 *       before the cache sees it.
 * </ul>
 */
public final class AdsSnapshotCache extends SimpleCache<ProxyGroup> {
  private static final ProxyGroups GROUPS = new ProxyGroups();
  private final DeltaWatchesAwaitingSnapshot awaiting = new DeltaWatchesAwaitingSnapshot();

  public AdsSnapshotCache() {
    super(GROUPS);
  }

  @Override
  public synchronized void setSnapshot(ProxyGroup group, Snapshot snapshot) {
    super.setSnapshot(group, ContentVersionedSnapshot.of(snapshot, getSnapshot(group)));
    awaiting.release(group, super::createDeltaWatch);
  }

  @Override
  public DeltaWatch createDeltaWatch(
      DeltaXdsRequest request,
      String requesterVersion,
      Map<String, String> resourceVersions,
      Set<String> pendingResources,
      boolean isWildcard,
      Consumer<DeltaResponse> responseConsumer,
      boolean hasClusterChanged) {
    ProxyGroup group = GROUPS.hash(request.v3Request().getNode());
    // A group's snapshot, once set, stays (paymesh never clears one), so only a group without
    // one needs the lock, which setSnapshot holds: a watch parked here is released by its next
    // call.
    if (getSnapshot(group) == null) {
      synchronized (this) {
        if (getSnapshot(group) == null) {
          return awaiting.park(group, new DeltaWatch(request, Map.copyOf(resourceVersions),
              Set.copyOf(pendingResources), requesterVersion, isWildcard, responseConsumer),
              hasClusterChanged);
        }
      }
    }
    return super.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources,
        isWildcard, responseConsumer, hasClusterChanged);
  }
}
