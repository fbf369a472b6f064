package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Lets the snapshot cache answer a delta request against what the client really holds.
 *
 * <p>java-control-plane 1.0.49's delta stream tracks only the resources its own responses
 * carried and ignores {@code initial_resource_versions}. On a reconnect the cache would then
 * re-send every resource the client already runs (a wildcard type in full, and every name of a
 * named one) and would never list in {@code removed_resources} a resource the client still holds
 * but the config has dropped since. {@link DeltaProtocol} puts in every request's
 * {@code initial_resource_versions} the versions the client holds beyond what the library tracks;
 * here they join the tracked versions (they are the newer word on those names) and leave the
 * pending names, so the cache sends a held resource only when its version differs and removes a
 * held one that no longer exists. State-of-the-world watches pass unchanged.
 */
public final class HeldVersionsConfigWatcher extends ForwardingConfigWatcher {
  public HeldVersionsConfigWatcher(ConfigWatcher delegate) {
    super(delegate);
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
    Map<String, String> held = request.getInitialResourceVersionsMap();
    if (held.isEmpty()) {
      return super.createDeltaWatch(request, requesterVersion, resourceVersions,
          pendingResources, isWildcard, responseConsumer, hasClusterChanged);
    }
    Map<String, String> tracked = new HashMap<>(resourceVersions);
    tracked.putAll(held);
    // A pending name is sent whatever its version; a held one only when its version differs.
    Set<String> pending = new HashSet<>(pendingResources);
    pending.removeAll(held.keySet());
    return super.createDeltaWatch(request, requesterVersion, tracked, pending, isWildcard,
        responseConsumer, hasClusterChanged);
  }
}
