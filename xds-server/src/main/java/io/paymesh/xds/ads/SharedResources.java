package io.paymesh.xds.ads;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.paymesh.xds.translate.GroupResources;
import java.util.List;

/**
 * One instance of each distinct resource across all groups. Many groups carry equal resources:
 * the cluster and load assignment of a service in the group of every caller, and the same route
 * configuration in every client family that takes it. Translation builds each group's afresh;
 * handing them through here keeps one copy of each on the heap, held as long as some group's
 * snapshot holds it (a weak interner: nothing to release by hand), and lets the Gate's
 * per-resource checks recognise a resource they have already passed by its identity.
 *
 * <p>A sidecar's outbound route configuration differs from caller to caller, but each of its
 * virtual hosts (one per dependency, with the routes of that host's route table) is the same in
 * every caller's: those are shared one level down, so a host's routes are held once however many
 * services call it.
 *
 * <p>Equality is protobuf's (field by field; the hash is computed once per message and kept in
 * it), so interning never merges resources that differ.
 */
public final class SharedResources {
  private final Interner<Message> interner = Interners.newWeakInterner();

  /** The same resources, each replaced by the one equal instance already held, if any. */
  public GroupResources share(GroupResources resources) {
    return new GroupResources(
        share(resources.listeners()),
        share(resources.routes().stream().map(this::withSharedVirtualHosts).toList()),
        share(resources.clusters()),
        share(resources.endpoints()),
        share(resources.secrets()));
  }

  private RouteConfiguration withSharedVirtualHosts(RouteConfiguration config) {
    List<VirtualHost> built = config.getVirtualHostsList();
    List<VirtualHost> shared = share(built);
    for (int i = 0; i < built.size(); i++) {
      if (shared.get(i) != built.get(i)) {
        return config.toBuilder().clearVirtualHosts().addAllVirtualHosts(shared).build();
      }
    }
    return config;
  }

  @SuppressWarnings("unchecked") // An interned message equals the argument, so it is its type.
  <T extends Message> List<T> share(List<T> messages) {
    return messages.stream().map(m -> (T) interner.intern(m)).toList();
  }
}
