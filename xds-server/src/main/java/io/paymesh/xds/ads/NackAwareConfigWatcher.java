package io.paymesh.xds.ads;

import com.google.common.collect.ImmutableSet;
import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Keeps the snapshot cache from answering a state-of-the-world NACK with the config just
 * rejected. With the rejected version in the request (see {@link StateOfTheWorldProtocol}) and
 * the requested names declared known, the cache opens a watch that fires only when the group's
 * config changes. Delta requests pass unchanged: a delta NACK's resources count as held by the
 * client ({@link DeltaProtocol}, {@link HeldVersionsConfigWatcher}).
 */
public final class NackAwareConfigWatcher extends ForwardingConfigWatcher {
  public NackAwareConfigWatcher(ConfigWatcher delegate) {
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
    if (request.hasErrorDetail()) {
      // The cache answers at once when names look new or clusters changed; after a NACK neither
      // is news to the client, it has just seen (and refused) exactly that.
      return super.createWatch(
          ads,
          request,
          ImmutableSet.copyOf(request.getResourceNamesList()),
          responseConsumer,
          false,
          allowDefaultEmptyEdsUpdate);
    }
    return super.createWatch(
        ads,
        request,
        knownResourceNames,
        responseConsumer,
        hasClusterChanged,
        allowDefaultEmptyEdsUpdate);
  }
}
