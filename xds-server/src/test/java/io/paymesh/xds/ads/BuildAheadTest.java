package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.TestGates;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Groups built ahead of their proxies ({@link SnapshotPublisher#buildAhead}) get the config their
 * first proxy would have had built, are kept up to date from then on, and never hold up a group a
 * proxy asks for.
 */
class BuildAheadTest {
  private final SyntheticPolicy base = SyntheticPolicy.generate(6);
  private final PolicySnapshot before = base.snapshot(1);
  private final PolicySnapshot after = base.withChangedRouteTable().snapshot(2);
  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
  private final List<ProxyGroup> sidecars =
      before.services().keySet().stream().map(ProxyGroup::sidecar).toList();
  /** A caller of the host whose RouteTable changes: its config differs between the two. */
  private final ProxyGroup caller = ProxyGroup.sidecar(before.services().values().stream()
      .filter(s -> s.spec().dependencies().contains(SyntheticPolicy.serviceName(0)))
      .map(Service::name).findFirst().orElseThrow());

  @Test
  void groupsBuiltAhead_haveTheConfigTheirFirstProxyWouldHaveBuilt_andFollowChanges()
      throws Exception {
    ExecutorService firstBuilds = Executors.newFixedThreadPool(2);
    try {
      SnapshotPublisher publisher = publishedBefore(new Gate(), firstBuilds);

      publisher.buildAhead(sidecars, 2);

      await().atMost(Duration.ofSeconds(30))
          .until(() -> publisher.builtGroups().size() == sidecars.size());
      assertThat(publisher.builtGroups()).containsExactlyInAnyOrderElementsOf(sidecars);
      for (ProxyGroup group : sidecars) {
        assertThat(FirstBuildRaceTest.versions(cache.getSnapshot(group))).as(group.toString())
            .isEqualTo(FirstBuildRaceTest.versionsBuiltAlone(before, group));
      }

      // No proxy has asked for the caller, yet the change reaches it like a group asked for.
      publisher.publish(after);
      assertThat(publisher.lastRebuilt()).contains(caller);
      assertThat(FirstBuildRaceTest.versions(cache.getSnapshot(caller)))
          .isEqualTo(FirstBuildRaceTest.versionsBuiltAlone(after, caller))
          .isNotEqualTo(FirstBuildRaceTest.versionsBuiltAlone(before, caller));
    } finally {
      firstBuilds.shutdownNow();
    }
  }

  @Test
  void aGroupAProxyAsksFor_isBuiltBeforeTheGroupsStillWaitingToBeBuiltAhead() {
    TaskQueue firstBuilds = new TaskQueue();
    SnapshotPublisher publisher = publishedBefore(new Gate(), firstBuilds);

    publisher.buildAhead(sidecars, 2);
    assertThat(firstBuilds.size()).as("no more builds ahead queued than asked to run together")
        .isEqualTo(2);
    ProxyGroup asked = ProxyGroup.proxyless(SyntheticPolicy.serviceName(3));
    publisher.demand(asked);

    firstBuilds.runNext();
    firstBuilds.runNext();
    assertThat(publisher.builtGroups()).containsExactlyInAnyOrder(sidecars.get(0), sidecars.get(1));
    firstBuilds.runNext();
    assertThat(publisher.builtGroups()).as("the group asked for goes before the rest")
        .containsExactlyInAnyOrder(sidecars.get(0), sidecars.get(1), asked);
    assertThat(cache.getSnapshot(asked)).isNotNull();

    firstBuilds.runAll();
    assertThat(publisher.builtGroups()).hasSize(sidecars.size() + 1);
  }

  @Test
  void aGroupBuiltAheadThatAPublishOvertakes_isBuiltFromTheNewerPolicy() throws Exception {
    CountDownLatch building = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    ExecutorService firstBuilds = Executors.newSingleThreadExecutor();
    try {
      SnapshotPublisher publisher =
          publishedBefore(TestGates.pausingOnce(caller, building, resume), firstBuilds);
      publisher.buildAhead(List.of(caller), 1);
      assertThat(building.await(10, TimeUnit.SECONDS)).as("build ahead started").isTrue();

      // The build holds a config of `before`; the publish of `after` does not build the group
      // (no proxy asked for it), so the build ahead must be done again from `after`.
      publisher.publish(after);
      assertThat(publisher.lastRebuilt()).doesNotContain(caller);
      resume.countDown();

      await().atMost(Duration.ofSeconds(30)).until(() -> cache.getSnapshot(caller) != null);
      assertThat(FirstBuildRaceTest.versions(cache.getSnapshot(caller)))
          .isEqualTo(FirstBuildRaceTest.versionsBuiltAlone(after, caller));
    } finally {
      firstBuilds.shutdownNow();
    }
  }

  @Test
  void aGroupAlreadyBuilt_orOfAServiceNoLongerInThePolicy_isNotBuiltAhead() {
    TaskQueue firstBuilds = new TaskQueue();
    Map<ProxyGroup, Integer> checked = new ConcurrentHashMap<>();
    SnapshotPublisher publisher = publishedBefore(TestGates.counting(checked), firstBuilds);
    publisher.demand(caller);
    firstBuilds.runAll();
    assertThat(checked).containsExactly(Map.entry(caller, 1));

    publisher.buildAhead(List.of(caller, ProxyGroup.sidecar("not-in-the-policy")), 2);
    firstBuilds.runAll();

    assertThat(checked).as("neither translated nor checked again").containsExactly(
        Map.entry(caller, 1));
    assertThat(publisher.builtGroups()).containsExactly(caller);
  }

  /** A publisher into {@link #cache} that has published {@link #before}. */
  private SnapshotPublisher publishedBefore(Gate gate, Executor firstBuilds) {
    SnapshotPublisher publisher = new SnapshotPublisher(
        new GroupTranslator(), gate, cache, XdsMetrics.standalone(), firstBuilds);
    publisher.publish(before);
    return publisher;
  }

  /** An executor the test drives: tasks run in the order queued, when the test says. */
  private static final class TaskQueue implements Executor {
    private final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.addLast(task);
    }

    int size() {
      return tasks.size();
    }

    void runNext() {
      tasks.removeFirst().run();
    }

    /** Runs until nothing is queued; each task may queue more (bounded: 1,000 tasks). */
    void runAll() {
      for (int i = 0; i < 1_000 && !tasks.isEmpty(); i++) {
        runNext();
      }
      assertThat(tasks).as("tasks still queued after 1,000").isEmpty();
    }
  }
}
