package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.WatchCancelledException;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Delta watches of groups that have no snapshot yet, held back until the first one is set.
 *
 * <p>java-control-plane 1.0.49 answers a delta watch opened before its group's first snapshot by
 * diffing that snapshot against nothing: it sends what the client lacks but lists no removal, so a
 * client that reconnected (to a restarted server, say) naming resources that are gone keeps them.
 * Created once the snapshot exists, the same watch is answered against the client's versions: held
 * names the snapshot lacks are removed. Callers synchronize {@link #park} with {@link #release}.
 */
final class DeltaWatchesAwaitingSnapshot {
  /** What the cache's createDeltaWatch takes. */
  interface WatchFactory {
    DeltaWatch create(DeltaXdsRequest request, String requesterVersion,
        Map<String, String> resourceVersions, Set<String> pendingResources, boolean isWildcard,
        Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged);
  }

  private record Parked(DeltaWatch watch, boolean hasClusterChanged) {}

  private final Map<ProxyGroup, List<Parked>> parked = new HashMap<>();

  /** Holds {@code watch} back until {@link #release} of its group; returns it for the stream. */
  DeltaWatch park(ProxyGroup group, DeltaWatch watch, boolean hasClusterChanged) {
    List<Parked> ofGroup = parked.computeIfAbsent(group, g -> new ArrayList<>());
    // A stream's next watch of a type cancels this one; drop those so a group that never gets
    // a snapshot (a service not in the policy) does not collect them.
    ofGroup.removeIf(p -> p.watch().isCancelled());
    ofGroup.add(new Parked(watch, hasClusterChanged));
    return watch;
  }

  /**
   * Creates, through {@code cache}, the real watch of every parked watch of the group still
   * open; it answers through the parked one, which the stream holds and may cancel.
   */
  void release(ProxyGroup group, WatchFactory cache) {
    List<Parked> released = parked.remove(group);
    if (released == null) {
      return;
    }
    for (Parked p : released) {
      DeltaWatch parkedWatch = p.watch();
      if (parkedWatch.isCancelled()) {
        continue;
      }
      DeltaWatch real = cache.create(parkedWatch.request(), parkedWatch.version(),
          parkedWatch.trackedResources(), parkedWatch.pendingResources(),
          parkedWatch.isWildcard(), response -> answer(parkedWatch, response),
          p.hasClusterChanged());
      parkedWatch.setStop(real::cancel);
      if (parkedWatch.isCancelled()) { // Cancelled while the real watch was being created.
        real.cancel();
      }
    }
  }

  private static void answer(DeltaWatch parkedWatch, DeltaResponse response) {
    try {
      parkedWatch.respond(response);
    } catch (WatchCancelledException e) {
      // The stream has moved on (a newer request of the type, or it closed): nothing to send.
    }
  }
}
