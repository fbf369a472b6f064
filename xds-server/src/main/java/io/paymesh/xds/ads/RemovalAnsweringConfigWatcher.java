package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Answers a listener or cluster request even when a name it asks for is not in the group's
 * config, so a removed resource is removed.
 *
 * <p>In ADS mode the snapshot cache does not answer a request naming a resource the snapshot
 * lacks: it waits for the snapshot to catch up with the client. For listeners and clusters that
 * wait never ends when the resource was taken out of the policy, and a gRPC client, which
 * subscribes to them by name, keeps the stale resource forever (a dependency removed from a
 * service stays reachable). For these two types xDS says a response holds every requested
 * resource that exists and the client drops the ones left out (state of the world, gRFC A53), so
 * they are answered as outside ADS mode. Routes, endpoints and secrets keep the wait: a client
 * does not read their absence as a removal, and their names come from listeners and clusters.
 * Delta requests pass unchanged: delta names a removal in {@code removed_resources}.
 */
public final class RemovalAnsweringConfigWatcher extends ForwardingConfigWatcher {
  private static final Set<String> FULL_STATE_TYPES =
      Set.of(Resources.V3.LISTENER_TYPE_URL, Resources.V3.CLUSTER_TYPE_URL);

  public RemovalAnsweringConfigWatcher(ConfigWatcher delegate) {
    super(delegate);
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    boolean waitForMissingNames = ads && !FULL_STATE_TYPES.contains(request.getTypeUrl());
    return super.createWatch(waitForMissingNames, request, knownResourceNames,
        responseConsumer, hasClusterChanged, allowDefaultEmptyEdsUpdate);
  }
}
