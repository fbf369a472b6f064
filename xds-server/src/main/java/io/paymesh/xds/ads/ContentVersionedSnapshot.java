package io.paymesh.xds.ads;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.paymesh.xds.translate.GroupResources;
import java.util.ArrayList;
import java.util.Collection;
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

  private ContentVersionedSnapshot(
      SnapshotResources<Cluster> clusters,
      SnapshotResources<ClusterLoadAssignment> endpoints,
      SnapshotResources<Listener> listeners,
      SnapshotResources<RouteConfiguration> routes,
      SnapshotResources<Secret> secrets) {
    this.clusters = clusters;
    this.endpoints = endpoints;
    this.listeners = listeners;
    this.routes = routes;
    this.secrets = secrets;
  }

  /**
   * A group's resources with the given type versions (keyed by type URL, every served type), each
   * resource versioned by its content. What the publisher hands the cache: building a
   * java-control-plane snapshot first would version every resource a second time, by its own
   * hash, only for this to replace it.
   *
   * @param previous the group's snapshot before this one, or null (see {@link #of(Snapshot,
   *     Snapshot)})
   */
  static ContentVersionedSnapshot of(
      GroupResources resources, Map<String, String> versions, Snapshot previous) {
    return new ContentVersionedSnapshot(
        contentVersioned(resources.clusters(), versions.get(Resources.V3.CLUSTER_TYPE_URL),
            previous == null ? null : previous.clusters()),
        contentVersioned(resources.endpoints(), versions.get(Resources.V3.ENDPOINT_TYPE_URL),
            previous == null ? null : previous.endpoints()),
        contentVersioned(resources.listeners(), versions.get(Resources.V3.LISTENER_TYPE_URL),
            previous == null ? null : previous.listeners()),
        contentVersioned(resources.routes(), versions.get(Resources.V3.ROUTE_TYPE_URL),
            previous == null ? null : previous.routes()),
        contentVersioned(resources.secrets(), versions.get(Resources.V3.SECRET_TYPE_URL),
            previous == null ? null : previous.secrets()));
  }

  /**
   * The same resources and type versions, each resource versioned by its content.
   *
   * @param previous the group's snapshot before this one, or null: a resource that is the very
   *     same object as in it keeps its version without being hashed again (a publish that changes
   *     only endpoints keeps the other resources' objects, and groups share equal resources)
   */
  static Snapshot of(Snapshot original, Snapshot previous) {
    if (original instanceof ContentVersionedSnapshot) {
      return original;
    }
    return new ContentVersionedSnapshot(
        contentVersioned(original.clusters(), previous == null ? null : previous.clusters()),
        contentVersioned(original.endpoints(), previous == null ? null : previous.endpoints()),
        contentVersioned(original.listeners(), previous == null ? null : previous.listeners()),
        contentVersioned(original.routes(), previous == null ? null : previous.routes()),
        contentVersioned(original.secrets(), previous == null ? null : previous.secrets()));
  }

  private static <T extends Message> SnapshotResources<T> contentVersioned(
      SnapshotResources<T> resources, SnapshotResources<T> previous) {
    return contentVersioned(resources.resources().values(), resources.version(), previous);
  }

  private static <T extends Message> SnapshotResources<T> contentVersioned(
      Collection<T> resources, String version, SnapshotResources<T> previous) {
    Map<String, VersionedResource<T>> before =
        previous == null ? Map.of() : previous.versionedResources();
    List<VersionedResource<T>> versioned = new ArrayList<>(resources.size());
    for (T resource : resources) {
      VersionedResource<T> same = before.get(Resources.getResourceName(resource));
      versioned.add(same != null && same.resource() == resource
          ? same : VersionedResource.create(resource, ContentVersion.ofResource(resource)));
    }
    // The type version as a value: a reference to another snapshot's resolver would keep its
    // resource maps alive next to these for as long as this snapshot is served.
    return SnapshotResources.create(versioned, version);
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
