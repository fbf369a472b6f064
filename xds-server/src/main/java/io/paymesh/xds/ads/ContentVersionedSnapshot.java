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
import java.util.ArrayList;
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

  private ContentVersionedSnapshot(Snapshot original, Snapshot previous) {
    this.clusters = contentVersioned(original.clusters(),
        previous == null ? null : previous.clusters());
    this.endpoints = contentVersioned(original.endpoints(),
        previous == null ? null : previous.endpoints());
    this.listeners = contentVersioned(original.listeners(),
        previous == null ? null : previous.listeners());
    this.routes = contentVersioned(original.routes(),
        previous == null ? null : previous.routes());
    this.secrets = contentVersioned(original.secrets(),
        previous == null ? null : previous.secrets());
  }

  /**
   * The same resources and type versions, each resource versioned by its content.
   *
   * @param previous the group's snapshot before this one, or null: a resource that is the very
   *     same object as in it keeps its version without being hashed again (a publish that changes
   *     only endpoints keeps the other resources' objects, and groups share equal resources)
   */
  static Snapshot of(Snapshot original, Snapshot previous) {
    return original instanceof ContentVersionedSnapshot
        ? original : new ContentVersionedSnapshot(original, previous);
  }

  private static <T extends Message> SnapshotResources<T> contentVersioned(
      SnapshotResources<T> resources, SnapshotResources<T> previous) {
    Map<String, VersionedResource<T>> before =
        previous == null ? Map.of() : previous.versionedResources();
    List<VersionedResource<T>> versioned = new ArrayList<>(resources.resources().size());
    resources.resources().forEach((name, resource) -> {
      VersionedResource<T> same = before.get(name);
      versioned.add(same != null && same.resource() == resource
          ? same : VersionedResource.create(resource, ContentVersion.ofResource(resource)));
    });
    // The type version as a value: a reference to the original's resolver would keep the
    // original resource maps alive next to these for as long as the snapshot is served.
    return SnapshotResources.create(versioned, resources.version());
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
