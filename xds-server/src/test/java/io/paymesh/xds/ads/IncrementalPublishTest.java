package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.xds.metrics.XdsMetrics;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.bench.ChangingPolicy;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The incremental publisher rebuilds only the groups a change touches, and that is safe: after
 * every step of a seeded random sequence of changes (route timeouts, documents removed and put
 * back, services removed, endpoints dropped, unrelated revisions), every group's versions and the
 * Gate's verdicts are exactly those of a publisher that rebuilt everything from scratch.
 */
class IncrementalPublishTest {
  private static final int SERVICES = 20;
  private static final long SEED = 0x5eed_2026_1201L;
  private static final int STEPS = 60;

  private final SyntheticPolicy base = SyntheticPolicy.generate(SERVICES);

  @Test
  void everyStepOfARandomSequenceOfChanges_matchesAFullRebuild() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    SnapshotPublisher incremental = publisherOfEveryGroup(cache);
    ChangingPolicy changing = new ChangingPolicy(base);
    SplittableRandom random = new SplittableRandom(SEED);
    int rebuilt = 0;
    int possible = 0;

    for (int step = 1; step <= STEPS; step++) {
      String change = changing.randomChange(random);
      PolicySnapshot policy = changing.snapshot(step);

      incremental.publish(policy);
      rebuilt += incremental.lastRebuilt().size();
      possible += policy.services().size() * 4;

      SimpleCache<ProxyGroup> fullCache = new SimpleCache<>(new ProxyGroups());
      SnapshotPublisher full = publisherOfEveryGroup(fullCache);
      full.publish(policy);
      for (String service : policy.services().keySet()) {
        for (ProxyGroup group : ProxyGroup.everyFamily(service)) {
          if (full.failingGroups().containsKey(group)) {
            // Refused by the Gate: the incremental publisher keeps serving the group's last
            // good config, which a publisher without history does not have.
            continue;
          }
          assertThat(versions(cache.getSnapshot(group)))
              .as("step %d (%s, seed %x): %s", step, change, SEED, group)
              .isEqualTo(versions(fullCache.getSnapshot(group)));
        }
      }
      assertThat(incremental.failingGroups()).as("step %d (%s)", step, change)
          .isEqualTo(full.failingGroups());
    }
    // Not a timing: the point of the exercise is that most groups are not rebuilt.
    assertThat(rebuilt).isLessThan(possible / 2);
  }

  @Test
  void aRouteTableChange_rebuildsItsHostsCallers_anUnrelatedRevisionNothing() {
    SnapshotPublisher publisher = publisherOfEveryGroup(new SimpleCache<>(new ProxyGroups()));
    publisher.publish(base.snapshot(1));
    assertThat(publisher.lastRebuilt()).hasSize(SERVICES * 4);

    publisher.publish(base.snapshot(2));
    assertThat(publisher.lastRebuilt()).as("same content, new revision").isEmpty();

    publisher.publish(base.withChangedRouteTable().snapshot(3));
    String host = SyntheticPolicy.serviceName(0);
    TreeSet<String> callers = base.resources().stream()
        .filter(r -> r instanceof Service s && s.spec().dependencies().contains(host))
        .map(PolicyResource::name)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(callers).isNotEmpty();
    TreeSet<String> rebuilt = publisher.lastRebuilt().stream().map(ProxyGroup::service)
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(rebuilt).isEqualTo(callers);
    assertThat(publisher.lastRebuilt()).hasSize(callers.size() * 4);
  }

  @Test
  void aServiceTakenOut_getsEmptyConfigs_isLeftAloneWhileAbsent_andIsBuiltAgainWhenBack() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    SnapshotPublisher publisher = publisherOfEveryGroup(cache);
    ChangingPolicy changing = new ChangingPolicy(base);
    String gone = SyntheticPolicy.serviceName(0);
    ResourceKey key = new ResourceKey(Kind.SERVICE, gone);
    publisher.publish(changing.snapshot(1));

    PolicyResource service = changing.documents().remove(key);
    publisher.publish(changing.snapshot(2));
    publisher.publish(changing.snapshot(3));

    for (ProxyGroup group : ProxyGroup.everyFamily(gone)) {
      assertThat(cache.getSnapshot(group).listeners().resources()).as("%s", group).isEmpty();
      assertThat(cache.getSnapshot(group).clusters().resources()).as("%s", group).isEmpty();
      assertThat(publisher.failingGroups()).doesNotContainKey(group);
    }
    assertThat(publisher.lastRebuilt()).as("a new revision alone, service still absent")
        .noneMatch(group -> group.service().equals(gone));

    changing.documents().put(key, service);
    publisher.publish(changing.snapshot(4));

    assertThat(publisher.lastRebuilt()).containsAll(ProxyGroup.everyFamily(gone));
    for (ProxyGroup group : ProxyGroup.everyFamily(gone)) {
      assertThat(cache.getSnapshot(group).listeners().resources()).as("%s", group).isNotEmpty();
    }
    assertThat(publisher.failingGroups()).isEmpty();
  }

  @Test
  void anEndpointChange_rebuildsOnlyTheLoadAssignmentsOfTheGroupsThatRouteToThatService() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    SnapshotPublisher publisher = publisherOfEveryGroup(cache);
    publisher.publish(base.snapshot(1));
    Map<ProxyGroup, List<String>> before = versionsOfEveryGroup(cache);
    String target = SyntheticPolicy.serviceName(3);
    ChangingPolicy changing = new ChangingPolicy(base);
    changing.endpoints().get(target).remove(0);

    publisher.publish(changing.snapshot(2));

    assertThat(publisher.lastRebuilt()).isNotEmpty();
    assertThat(publisher.lastRebuilt().size()).isLessThan(SERVICES * 4 / 2);
    assertThat(publisher.lastRebuiltEndpointsOnly()).isEqualTo(publisher.lastRebuilt());
    for (ProxyGroup group : publisher.lastRebuilt()) {
      Service service =
          (Service) changing.documents().get(new ResourceKey(Kind.SERVICE, group.service()));
      assertThat(service.spec().dependencies()).as("%s", group).contains(target);
    }
    Map<ProxyGroup, List<String>> after = versionsOfEveryGroup(cache);
    for (ProxyGroup group : before.keySet()) {
      List<String> was = before.get(group);
      List<String> now = after.get(group);
      // clusters, endpoints, listeners, routes, secrets: only EDS may move, and only for groups
      // that route to the target.
      assertThat(List.of(now.get(0), now.get(2), now.get(3), now.get(4)))
          .as("%s keeps every version but EDS", group)
          .isEqualTo(List.of(was.get(0), was.get(2), was.get(3), was.get(4)));
      assertThat(now.get(1).equals(was.get(1)))
          .as("%s: EDS version unchanged", group)
          .isEqualTo(!publisher.lastRebuilt().contains(group));
    }
  }

  @Test
  void aGroupIsBuiltOnlyOnceAProxyAsksForIt_andFromThenOnKeptUpToDate() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    SnapshotPublisher publisher = publisher(cache);
    ProxyGroup early = ProxyGroup.sidecar(SyntheticPolicy.serviceName(1));
    ProxyGroup late = ProxyGroup.proxyless(SyntheticPolicy.serviceName(2));
    ProxyGroup unknown = ProxyGroup.sidecar("not-in-the-policy");
    publisher.demand(early);
    publisher.demand(unknown);

    publisher.publish(base.snapshot(1));
    assertThat(publisher.lastRebuilt()).containsExactly(early);
    assertThat(builtGroups(cache)).containsExactly(early);

    publisher.demand(late);
    assertThat(cache.getSnapshot(late)).as("built at once for its first proxy").isNotNull();
    assertThat(versions(cache.getSnapshot(late)))
        .isEqualTo(versions(fullRebuild(base.snapshot(1)).getSnapshot(late)));
    publisher.demand(late);
    publisher.demand(early);
    assertThat(builtGroups(cache)).containsExactlyInAnyOrder(early, late);

    // A change rebuilds only groups that were asked for, whichever services it reaches.
    publisher.publish(base.withChangedRouteTable().snapshot(2));
    assertThat(publisher.lastRebuilt()).isSubsetOf(early, late);
    assertThat(builtGroups(cache)).containsExactlyInAnyOrder(early, late);
  }

  private static SnapshotPublisher publisher(SimpleCache<ProxyGroup> cache) {
    return new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone());
  }

  /** A publisher that builds every group of the synthetic mesh, as if all had proxies. */
  private static SnapshotPublisher publisherOfEveryGroup(SimpleCache<ProxyGroup> cache) {
    SnapshotPublisher publisher = publisher(cache);
    for (int i = 0; i < SERVICES; i++) {
      ProxyGroup.everyFamily(SyntheticPolicy.serviceName(i)).forEach(publisher::demand);
    }
    return publisher;
  }

  private static SimpleCache<ProxyGroup> fullRebuild(PolicySnapshot policy) {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    publisherOfEveryGroup(cache).publish(policy);
    return cache;
  }

  private static Map<ProxyGroup, List<String>> versionsOfEveryGroup(
      SimpleCache<ProxyGroup> cache) {
    Map<ProxyGroup, List<String>> out = new LinkedHashMap<>();
    builtGroups(cache).forEach(group -> out.put(group, versions(cache.getSnapshot(group))));
    return out;
  }

  /** The groups of the synthetic mesh (and one outside it) that have a snapshot in the cache. */
  private static List<ProxyGroup> builtGroups(SimpleCache<ProxyGroup> cache) {
    List<ProxyGroup> candidates = new ArrayList<>();
    for (int i = 0; i < SERVICES; i++) {
      candidates.addAll(ProxyGroup.everyFamily(SyntheticPolicy.serviceName(i)));
    }
    candidates.add(ProxyGroup.sidecar("not-in-the-policy"));
    return candidates.stream().filter(group -> cache.getSnapshot(group) != null).toList();
  }

  /** A group's five type versions; none for a group without a snapshot. */
  static List<String> versions(Snapshot snapshot) {
    if (snapshot == null) {
      return List.of();
    }
    return List.of(snapshot.clusters().version(), snapshot.endpoints().version(),
        snapshot.listeners().version(), snapshot.routes().version(),
        snapshot.secrets().version());
  }
}
