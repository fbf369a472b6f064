package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Tells the {@link SnapshotPublisher} which groups proxies ask for, before the cache looks for
 * their config, so that a replica builds only the groups of the services and client families that
 * actually connect to it (a mesh of 1,000 services with Envoy sidecars only would otherwise carry
 * 3,000 gRPC groups nobody reads). The publisher builds a group the first time it is asked for,
 * and the cache answers the watch opened right after.
 *
 * <p>The node is read from the request: {@link AdsStreamInterceptor} puts the stream's first node
 * into every later request, so it is there even for clients that send it only once.
 */
public final class OnDemandConfigWatcher extends ForwardingConfigWatcher {
  private final Consumer<ProxyGroup> demand;

  /**
   * @param demand called with the group of every request before the delegate sees it; must be
   *     cheap once a group is known (it runs for every request of every stream)
   */
  public OnDemandConfigWatcher(ConfigWatcher delegate, Consumer<ProxyGroup> demand) {
    super(delegate);
    this.demand = demand;
  }

  @Override
  public Watch createWatch(
      boolean ads,
      XdsRequest request,
      Set<String> knownResourceNames,
      Consumer<Response> responseConsumer,
      boolean hasClusterChanged,
      boolean allowDefaultEmptyEdsUpdate) {
    demand(request.v3Request().getNode());
    return super.createWatch(ads, request, knownResourceNames, responseConsumer,
        hasClusterChanged, allowDefaultEmptyEdsUpdate);
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
    demand(request.v3Request().getNode());
    return super.createDeltaWatch(request, requesterVersion, resourceVersions,
        pendingResources, isWildcard, responseConsumer, hasClusterChanged);
  }

  private void demand(Node node) {
    demand.accept(ProxyGroups.groupOf(node));
  }
}
