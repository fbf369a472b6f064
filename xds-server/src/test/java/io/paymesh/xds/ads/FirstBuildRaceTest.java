package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.TestGates;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * First builds translate and check outside the publisher's lock; one that a publish overtakes
 * must not hand its older config to the cache.
 */
class FirstBuildRaceTest {
  private final SyntheticPolicy base = SyntheticPolicy.generate(6);
  private final PolicySnapshot before = base.snapshot(1);
  private final PolicySnapshot after = base.withChangedRouteTable().snapshot(2);
  /** A caller of the host whose RouteTable changes: its config differs between the two. */
  private final ProxyGroup caller = new ProxyGroup(before.services().values().stream()
      .filter(s -> s.spec().dependencies().contains(SyntheticPolicy.serviceName(0)))
      .map(Service::name).findFirst().orElseThrow(), ClientFamily.ENVOY);

  @Test
  void aFirstBuildOvertakenByAPublish_leavesThePublishedConfigInPlace() throws Exception {
    assertThat(versionsBuiltFrom(after)).as("the change reaches the caller")
        .isNotEqualTo(versionsBuiltFrom(before));
    CountDownLatch building = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    ExecutorService firstBuilds = Executors.newSingleThreadExecutor();
    SnapshotPublisher publisher = new SnapshotPublisher(new GroupTranslator(),
        TestGates.pausingOnce(caller, building, resume), cache, XdsMetrics.standalone(), firstBuilds);
    try {
      publisher.publish(before);
      publisher.demand(caller);
      assertThat(building.await(10, TimeUnit.SECONDS)).as("first build started").isTrue();

      // The first build holds a config of `before`; the publish of `after` builds the group.
      publisher.publish(after);
      assertThat(publisher.lastRebuilt()).contains(caller);
      resume.countDown();
    } finally {
      firstBuilds.shutdown();
      assertThat(firstBuilds.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(versions(cache.getSnapshot(caller))).isEqualTo(versionsBuiltFrom(after));
  }

  @Test
  void aFirstBuildNobodyOvertakes_isPublished() throws Exception {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    ExecutorService firstBuilds = Executors.newFixedThreadPool(2);
    SnapshotPublisher publisher = new SnapshotPublisher(
        new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone(), firstBuilds);
    publisher.publish(before);
    before.services().keySet().forEach(s -> publisher.demand(new ProxyGroup(s, ClientFamily.ENVOY)));
    firstBuilds.shutdown();
    assertThat(firstBuilds.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    for (String service : before.services().keySet()) {
      ProxyGroup group = new ProxyGroup(service, ClientFamily.ENVOY);
      assertThat(versions(cache.getSnapshot(group))).as(service)
          .isEqualTo(versionsBuiltAlone(before, group));
    }
  }

  private List<String> versionsBuiltFrom(PolicySnapshot policy) {
    return versionsBuiltAlone(policy, caller);
  }

  /** The versions {@code group} gets from a publisher of its own that publishes {@code policy}. */
  static List<String> versionsBuiltAlone(PolicySnapshot policy, ProxyGroup group) {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    SnapshotPublisher publisher =
        new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone());
    publisher.publish(policy);
    publisher.demand(group);
    return versions(cache.getSnapshot(group));
  }

  static List<String> versions(Snapshot snapshot) {
    assertThat(snapshot).isNotNull();
    return IncrementalPublishTest.versions(snapshot);
  }
}
