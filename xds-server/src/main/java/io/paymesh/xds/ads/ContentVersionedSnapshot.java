package io.paymesh.xds.ads;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;
import java.util.Map;

/**
 * A snapshot whose every resource is versioned by its content ({@link ContentVersion}), the
 * version a delta xDS client holds and names when it reconnects.
 *
 * <p>java-control-plane versions each resource of a snapshot built from plain resources with a
 * hash of {@code Message.hashCode()}. That is stable within one JVM, but protobuf's hash mixes in
 * the identity hash of the message's descriptor, so it differs after a restart and between
 * replicas: a client reconnecting to a restarted or another replica would be re-sent every
 * resource. A content hash is the same wherever and whenever the same resource is built. The type
 * versions (state of the world, and the delta response's system version) are the original
 * snapshot's.
 */
final class ContentVersionedSnapshot extends Snapshot {
  private final SnapshotResources<Cluster> clusters;
  private final SnapshotResources<ClusterLoadAssignment> endpoints;
  private final SnapshotResources<Listener> listeners;
  private final SnapshotResources<RouteConfiguration> routes;
  private final SnapshotResources<Secret> secrets;

  private ContentVersionedSnapshot(Snapshot original) {
    this.clusters = contentVersioned(original.clusters());
    this.endpoints = contentVersioned(original.endpoints());
    this.listeners = contentVersioned(original.listeners());
    this.routes = contentVersioned(original.routes());
    this.secrets = contentVersioned(original.secrets());
  }

  /** The same resources and type versions, each resource versioned by its content. */
  static Snapshot of(Snapshot original) {
    return original instanceof ContentVersionedSnapshot
        ? original : new ContentVersionedSnapshot(original);
  }

  private static <T extends Message> SnapshotResources<T> contentVersioned(
      SnapshotResources<T> resources) {
    List<VersionedResource<T>> versioned = resources.resources().values().stream()
        .map(r -> VersionedResource.create(r, ContentVersion.of(List.of(r))))
        .toList();
    return SnapshotResources.create(versioned, resources::version);
  }

  /**
   * The same as the superclass; declared again because javac does not see the superclass's
   * {@code VersionedResource<?>} map as implementing the base class's
   * {@code VersionedResource<? extends Message>} one.
   */
  @Override
  public Map<String, VersionedResource<?>> versionedResources(ResourceType resourceType) {
    return super.versionedResources(resourceType);
  }

  @Override
  public SnapshotResources<Cluster> clusters() {
    return clusters;
  }

  @Override
  public SnapshotResources<ClusterLoadAssignment> endpoints() {
    return endpoints;
  }

  @Override
  public SnapshotResources<Listener> listeners() {
    return listeners;
  }

  @Override
  public SnapshotResources<RouteConfiguration> routes() {
    return routes;
  }

  @Override
  public SnapshotResources<Secret> secrets() {
    return secrets;
  }
}
