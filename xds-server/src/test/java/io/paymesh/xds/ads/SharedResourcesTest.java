package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Equal resources of different groups are one object on the heap: the load assignment and the
 * cluster of a service, as every caller's group carries them.
 */
class SharedResourcesTest {
  private final SyntheticPolicy mesh = SyntheticPolicy.generate(10);
  private final PolicySnapshot policy = mesh.snapshot(1);
  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());

  @Test
  void aServicesClusterAndLoadAssignment_areOneInstanceInEveryCallersGroup() {
    Publishers.demandEveryGroup(
            new SnapshotPublisher(new GroupTranslator(), new Gate(), cache,
                XdsMetrics.standalone()), policy)
        .publish(policy);
    String target = SyntheticPolicy.serviceName(1);
    List<ProxyGroup> callers = policy.services().values().stream()
        .filter(s -> s.spec().dependencies().contains(target))
        .map(s -> ProxyGroup.sidecar(s.name()))
        .toList();
    assertThat(callers).hasSizeGreaterThan(1);

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
}
