package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.config.store.PolicyChanges;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.ReadLog;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateResult;
import io.paymesh.xds.gate.GateViolation;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of xDS state: turns each PolicySnapshot into a per-group xDS snapshot, checks it
 * with the Gate and hands it to the cache only if it passes and its content changed. A group
 * whose new config fails keeps serving its last good one; other groups are not held back.
 *
 * <p>Incremental: translating and checking a group records what they read of the policy
 * ({@link PolicySnapshot#recording}), and a new policy rebuilds only the groups whose reads it
 * changes (a RouteTable change rebuilds its host's callers, an endpoint change the groups that
 * route to that service). A group that is not rebuilt would get the same resources and the same
 * verdict: translation and the Gate are pure functions of what they read.
 *
 * <p>Each publish reports its translation and Gate time, and tells the
 * {@link io.paymesh.xds.metrics.ConvergenceTracker} which revision produced every version it
 * hands to the cache, so proxies' ACKs of it can be timed.
 */
public final class SnapshotPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);
  private static final Comparator<ProxyGroup> GROUP_ORDER =
      Comparator.comparing(ProxyGroup::service).thenComparing(ProxyGroup::client);
  /** The types a group snapshot carries (see {@link #toSnapshot}). */
  private static final List<String> SERVED_TYPES = List.of(
      Resources.V3.CLUSTER_TYPE_URL, Resources.V3.ENDPOINT_TYPE_URL,
      Resources.V3.LISTENER_TYPE_URL, Resources.V3.ROUTE_TYPE_URL,
      Resources.V3.SECRET_TYPE_URL);

  private final GroupTranslator translator;
  private final Gate gate;
  private final SnapshotCache<ProxyGroup, Snapshot> cache;
  private final XdsMetrics metrics;

  // Guarded by this: publish() is the only mutator and is synchronized.
  private final Set<ProxyGroup> servedGroups = new HashSet<>();
  private final Map<ProxyGroup, List<GateViolation>> failing = new HashMap<>();
  /** What each group's last translation and check read; absent: never built. */
  private final Map<ProxyGroup, ReadLog> reads = new HashMap<>();
  private PolicySnapshot previous;
  private Set<ProxyGroup> lastRebuilt = Set.of();
  /** Groups given a new config by the publish under way, for its log line. */
  private int pushedNow;
  /** When the publish under way began, and its translation and Gate time so far. */
  private long publishStartNanos;
  private long translateNanosNow;
  private long gateNanosNow;

  public SnapshotPublisher(
      GroupTranslator translator,
      Gate gate,
      SnapshotCache<ProxyGroup, Snapshot> cache,
      XdsMetrics metrics) {
    this.translator = translator;
    this.gate = gate;
    this.cache = cache;
    this.metrics = metrics;
  }

  /**
   * Rebuilds every group of the policy that the change since the previous one touches; called by
   * the policy watcher, one snapshot at a time.
   */
  public synchronized void publish(PolicySnapshot policy) {
    publishStartNanos = metrics.convergence().now();
    PolicyChanges changes = previous == null
        ? PolicyChanges.everything() : PolicyChanges.between(previous, policy);
    Set<ProxyGroup> groups = new TreeSet<>(GROUP_ORDER);
    for (String service : policy.services().keySet()) {
      groups.addAll(ProxyGroup.everyFamily(service));
    }
    Set<ProxyGroup> rebuilt = new TreeSet<>(GROUP_ORDER);
    for (ProxyGroup group : groups) {
      ReadLog read = reads.get(group);
      if (read == null || read.touchedBy(changes)) {
        publishGroup(policy, group);
        rebuilt.add(group);
      }
    }
    lastRebuilt = Collections.unmodifiableSet(rebuilt);
    previous = policy;
    for (ProxyGroup removed : new HashSet<>(servedGroups)) {
      if (!groups.contains(removed)) {
        // A service taken out of the policy is decommissioned: its proxies keep no listener
        // and no route, so nothing can reach it or be reached from it through the mesh.
        LOG.warn("service {} is no longer in the policy (revision {}); its {} proxies get an "
            + "empty config", removed.service(), policy.revision(), removed.client());
        setIfChanged(removed, GroupResources.empty(), policy.revision());
        servedGroups.remove(removed);
        failing.remove(removed);
        reads.remove(removed);
      }
    }
    // One line per change, not per group: at 1,000 services a change may push hundreds.
    LOG.info("revision {}: rebuilt {} of {} groups, {} with a new config", policy.revision(),
        rebuilt.size(), groups.size(), pushedNow);
    metrics.rebuilt(translateNanosNow, gateNanosNow);
    pushedNow = 0;
    translateNanosNow = 0;
    gateNanosNow = 0;
  }

  private void publishGroup(PolicySnapshot policy, ProxyGroup group) {
    ReadLog read = new ReadLog();
    PolicySnapshot recorded = policy.recording(read);
    // Groups are derived from the policy's services, so there is always something to translate.
    long started = System.nanoTime();
    GroupResources resources = translator.translate(recorded, group).orElseThrow();
    long translated = System.nanoTime();
    GateResult result = gate.check(recorded, group, resources);
    translateNanosNow += translated - started;
    gateNanosNow += System.nanoTime() - translated;
    reads.put(group, read);
    if (!result.passed()) {
      metrics.gateRejected();
      failing.put(group, result.violations());
      for (GateViolation violation : result.violations()) {
        LOG.error("not pushing revision {} to group {}: {}; it keeps its last good config",
            policy.revision(), group, violation);
      }
      return;
    }
    failing.remove(group);
    servedGroups.add(group);
    setIfChanged(group, resources, policy.revision());
  }

  private void setIfChanged(ProxyGroup group, GroupResources resources, long revision) {
    Snapshot next = toSnapshot(resources);
    Snapshot current = cache.getSnapshot(group);
    if (current != null && sameVersions(current, next)) {
      return;
    }
    recordOrigins(group, current, next, revision);
    cache.setSnapshot(group, next);
    metrics.snapshotPublished();
    pushedNow++;
    LOG.debug("group {} now at revision {}: {}", group, revision, describe(next));
  }

  /**
   * Tells the convergence measure which revision produced each type whose version changes, before
   * the cache can push it (see {@link io.paymesh.xds.metrics.ConvergenceTracker}).
   */
  private void recordOrigins(ProxyGroup group, Snapshot current, Snapshot next, long revision) {
    for (String type : SERVED_TYPES) {
      String version = next.version(type);
      if (current == null || !current.version(type).equals(version)) {
        metrics.convergence().published(group, type, version, revision, publishStartNanos);
      }
    }
  }

  /** The groups the last {@link #publish} translated and checked again. */
  public synchronized Set<ProxyGroup> lastRebuilt() {
    return lastRebuilt;
  }

  /** Groups whose latest config the Gate refused, with the reasons. */
  public synchronized Map<ProxyGroup, List<GateViolation>> failingGroups() {
    return Map.copyOf(failing);
  }

  static Snapshot toSnapshot(GroupResources r) {
    Map<String, String> versions = ContentVersion.ofGroup(r);
    return Snapshot.create(
        r.clusters(), versions.get(Resources.V3.CLUSTER_TYPE_URL),
        r.endpoints(), versions.get(Resources.V3.ENDPOINT_TYPE_URL),
        r.listeners(), versions.get(Resources.V3.LISTENER_TYPE_URL),
        r.routes(), versions.get(Resources.V3.ROUTE_TYPE_URL),
        // ofGroup lists SDS only for a group that has secrets (see there); the cache needs a
        // version either way, and the hash of no resources is the same every time.
        r.secrets(), versions.getOrDefault(Resources.V3.SECRET_TYPE_URL,
            ContentVersion.of(List.of())));
  }

  private static boolean sameVersions(Snapshot a, Snapshot b) {
    return a.clusters().version().equals(b.clusters().version())
        && a.endpoints().version().equals(b.endpoints().version())
        && a.listeners().version().equals(b.listeners().version())
        && a.routes().version().equals(b.routes().version())
        && a.secrets().version().equals(b.secrets().version());
  }

  private static String describe(Snapshot s) {
    return "lds=" + s.listeners().version() + " rds=" + s.routes().version()
        + " cds=" + s.clusters().version() + " eds=" + s.endpoints().version()
        + " sds=" + s.secrets().version();
  }
}
