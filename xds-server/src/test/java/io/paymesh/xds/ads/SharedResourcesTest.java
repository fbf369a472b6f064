package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Equal resources of different groups are one object on the heap: the load assignment and the
 * cluster of a service, as every caller's group carries them, and the virtual host of a service
 * inside every caller's outbound route configuration.
 */
class SharedResourcesTest {
  private final SyntheticPolicy mesh = SyntheticPolicy.generate(10);
  private final PolicySnapshot policy = mesh.snapshot(1);
  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());

  @Test
  void aServicesClusterAndLoadAssignment_areOneInstanceInEveryCallersGroup() {
    String target = SyntheticPolicy.serviceName(1);
    List<ProxyGroup> callers = publishEveryGroupAndFindCallersOf(target);

    ClusterLoadAssignment first = cache.getSnapshot(callers.get(0)).endpoints().resources()
        .get(target);
    Cluster firstCluster = cache.getSnapshot(callers.get(0)).clusters().resources().get(target);
    assertThat(first.getEndpointsCount()).isPositive();
    for (ProxyGroup caller : callers) {
      assertThat(cache.getSnapshot(caller).endpoints().resources().get(target))
          .as("%s", caller).isSameAs(first);
      assertThat(cache.getSnapshot(caller).clusters().resources().get(target))
          .as("%s", caller).isSameAs(firstCluster);
    }
  }

  @Test
  void aHostsVirtualHost_isOneInstanceInEveryCallersOutboundRoutes() {
    String target = SyntheticPolicy.serviceName(1);
    List<ProxyGroup> callers = publishEveryGroupAndFindCallersOf(target);

    VirtualHost first = outboundVirtualHost(callers.get(0), target);
    assertThat(first.getRoutesCount()).isPositive();
    for (ProxyGroup caller : callers) {
      assertThat(outboundVirtualHost(caller, target)).as("%s", caller).isSameAs(first);
    }
  }

  @Test
  void routeConfigurationsSharingAVirtualHost_keepTheirOwnContent() {
    SharedResources shared = new SharedResources();
    VirtualHost payments = virtualHost("payments", "charge");
    RouteConfiguration a = RouteConfiguration.newBuilder().setName(XdsNames.OUTBOUND)
        .addVirtualHosts(payments).addVirtualHosts(virtualHost("ledger", "post")).build();
    RouteConfiguration b = RouteConfiguration.newBuilder().setName(XdsNames.OUTBOUND)
        .addVirtualHosts(virtualHost("payments", "charge"))
        .addVirtualHosts(virtualHost("payments-audit", "charge")).build();

    List<RouteConfiguration> kept = shared.share(new GroupResources(
        List.of(), List.of(a, b), List.of(), List.of(), List.of())).routes();

    assertThat(kept.get(0)).isSameAs(a);
    assertThat(kept.get(1)).isEqualTo(b);
    assertThat(kept.get(1).getVirtualHosts(0)).isSameAs(payments);
    assertThat(kept.get(1).getVirtualHosts(1)).isEqualTo(b.getVirtualHosts(1));
  }

  @Test
  void resourcesThatDiffer_areNotMerged() {
    SharedResources shared = new SharedResources();
    ClusterLoadAssignment a = ClusterLoadAssignment.newBuilder().setClusterName("a").build();
    ClusterLoadAssignment b = ClusterLoadAssignment.newBuilder().setClusterName("b").build();
    ClusterLoadAssignment alsoA = ClusterLoadAssignment.newBuilder().setClusterName("a").build();

    List<ClusterLoadAssignment> kept = shared.share(new GroupResources(
        List.of(), List.of(), List.of(), List.of(a, b, alsoA), List.of())).endpoints();

    assertThat(kept.get(0)).isSameAs(a);
    assertThat(kept.get(1)).isSameAs(b);
    assertThat(kept.get(2)).isSameAs(a);
  }

  /** The sidecar groups that call {@code target}, more than one, once every group is published. */
  private List<ProxyGroup> publishEveryGroupAndFindCallersOf(String target) {
    Publishers.demandEveryGroup(
            new SnapshotPublisher(new GroupTranslator(), new Gate(), cache,
                XdsMetrics.standalone()), policy)
        .publish(policy);
    List<ProxyGroup> callers = policy.services().values().stream()
        .filter(s -> s.spec().dependencies().contains(target))
        .map(s -> ProxyGroup.sidecar(s.name()))
        .toList();
    assertThat(callers).hasSizeGreaterThan(1);
    return callers;
  }

  private VirtualHost outboundVirtualHost(ProxyGroup group, String host) {
    RouteConfiguration outbound =
        cache.getSnapshot(group).routes().resources().get(XdsNames.OUTBOUND);
    return outbound.getVirtualHostsList().stream()
        .filter(vhost -> vhost.getName().equals(host))
        .findFirst()
        .orElseThrow();
  }

  private static VirtualHost virtualHost(String host, String route) {
    return VirtualHost.newBuilder().setName(host).addDomains(host)
        .addRoutes(Route.newBuilder().setName(route)).build();
  }
}
