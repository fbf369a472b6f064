package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.SnapshotCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.store.PolicyChanges;
import io.paymesh.config.store.PolicyInput;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.ReadIndex;
import io.paymesh.config.store.ReadLog;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateResult;
import io.paymesh.xds.gate.GateViolation;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of xDS state: turns each PolicySnapshot into a per-group xDS snapshot, checks it
 * with the Gate and hands it to the cache only if it passes and its content changed. A group
 * whose new config fails keeps serving its last good one; other groups are not held back.
 *
 * <p>On demand: a group is built only once a proxy has asked for it ({@link #demand}, called
 * through {@link OnDemandConfigWatcher} before the cache looks for the group's config), or once
 * the replica has asked for it to be built ahead ({@link #buildAhead}), and from then on kept up
 * to date. First builds run on threads of their own, translated and checked outside this
 * publisher's lock; the proxy's watch is answered when its group's snapshot is set. A replica
 * serving only Envoy sidecars builds no gRPC groups, and a replica starting with a large policy
 * serves as soon as it has read it.
 *
 * <p>Incremental: translating and checking a group records what they read of the policy
 * ({@link PolicySnapshot#recording}), and a new policy rebuilds only the groups whose reads it
 * changes (a RouteTable change rebuilds its host's callers, an endpoint change the groups that
 * route to that service). A group that is not rebuilt would get the same resources and the same
 * verdict: translation and the Gate are pure functions of what they read. A group that only an
 * endpoint change reaches gets new load assignments and nothing else: they alone are translated
 * and checked ({@link Gate#checkLoadAssignments}), and only EDS gets a new version.
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
  /** What a group reached only through endpoint changes read: its load assignments alone. */
  private static final Set<PolicyInput> ENDPOINTS_ONLY = Set.of(PolicyInput.ENDPOINTS);
  /** The SDS version of a group without secrets: the hash of no resources, the same always. */
  private static final String NO_SECRETS_VERSION = ContentVersion.of(List.of());
  /** How a group without a read log is reached: through everything it will read. */
  private static final Set<PolicyInput> NEVER_BUILT = EnumSet.allOf(PolicyInput.class);

  private final GroupTranslator translator;
  private final Gate gate;
  private final SnapshotCache<ProxyGroup, Snapshot> cache;
  private final XdsMetrics metrics;
  /** Where first builds run (see {@link #demand}). */
  private final Executor firstBuilds;

  /**
   * Groups some proxy has asked for since this replica started (with those built ahead, the ones
   * it builds). Also read without the lock, so that {@link #demand} of a known group costs no
   * more than a lookup.
   */
  private final Set<ProxyGroup> demanded = ConcurrentHashMap.newKeySet();
  /**
   * The demanded groups without a read log (never built, or decommissioned): a publish builds
   * those of them whose service is in the policy. Added to by {@link #demand} without the lock.
   */
  private final Set<ProxyGroup> unbuilt = ConcurrentHashMap.newKeySet();
  // Guarded by this: publish() and buildFirst() are the only mutators and are synchronized.
  private final Set<ProxyGroup> servedGroups = new HashSet<>();
  private final Map<ProxyGroup, List<GateViolation>> failing = new HashMap<>();
  /**
   * What each group's last translation and check read, indexed by what was read, so a change
   * finds the groups it reaches without asking every group; absent: never built.
   */
  private final ReadIndex<ProxyGroup> reads = new ReadIndex<>();
  private final SharedResources shared = new SharedResources();
  /** The resources each group's cache snapshot holds, for an endpoint-only rebuild. */
  private final Map<ProxyGroup, GroupResources> published = new HashMap<>();
  private PolicySnapshot previous;
  private Set<ProxyGroup> lastRebuilt = Set.of();
  private Set<ProxyGroup> lastRebuiltEndpointsOnly = Set.of();

  /** A publisher that builds a demanded group at once, on the thread that asks for it. */
  public SnapshotPublisher(
      GroupTranslator translator,
      Gate gate,
      SnapshotCache<ProxyGroup, Snapshot> cache,
      XdsMetrics metrics) {
    this(translator, gate, cache, metrics, Runnable::run);
  }

  /**
   * @param firstBuilds runs the first build of each demanded group; a replica gives it threads of
   *     its own, so that the gRPC threads of proxies that connect together do not wait for
   *     builds (at 1,000 new groups they would be a thousand parked threads)
   */
  public SnapshotPublisher(
      GroupTranslator translator,
      Gate gate,
      SnapshotCache<ProxyGroup, Snapshot> cache,
      XdsMetrics metrics,
      Executor firstBuilds) {
    this.translator = translator;
    this.gate = gate;
    this.cache = cache;
    this.metrics = metrics;
    this.firstBuilds = firstBuilds;
  }

  /**
   * Rebuilds every demanded group of the policy that the change since the previous one touches;
   * called by the policy watcher, one snapshot at a time.
   */
  public synchronized void publish(PolicySnapshot policy) {
    Pass pass = new Pass(policy.revision(), metrics.convergence().now());
    PolicyChanges changes = previous == null
        ? PolicyChanges.everything() : PolicyChanges.between(previous, policy);
    // Which groups the change reaches, found from the index of what the groups read; then
    // those alone are rebuilt, in a fixed order. Groups never built (no read log) are built whole.
    // A built group is of a service in the previous policy, so only a change of services can
    // take its service away (decommissionRemovedServices deals with it); a group never built may
    // be of a service not in the policy yet.
    boolean servicesChanged = changes.any(PolicyInput.SERVICE);
    Map<ProxyGroup, Set<PolicyInput>> reached = new TreeMap<>(GROUP_ORDER);
    reads.touchedBy(changes).forEach((group, touched) -> {
      if (!servicesChanged || policy.services().containsKey(group.service())) {
        reached.put(group, touched);
      }
    });
    for (ProxyGroup group : unbuilt) {
      if (reads.contains(group)) {
        unbuilt.remove(group); // built since it was asked for (see demand)
      } else if (policy.services().containsKey(group.service())) {
        reached.put(group, NEVER_BUILT);
      }
    }
    Set<ProxyGroup> endpointsOnly = new TreeSet<>(GROUP_ORDER);
    List<ProxyGroup> whole = new ArrayList<>();
    reached.forEach((group, touched) -> {
      if (touched.equals(ENDPOINTS_ONLY) && publishLoadAssignments(policy, group, pass)) {
        endpointsOnly.add(group);
      } else {
        whole.add(group);
      }
    });
    // Translated and checked on all cores (a build is a pure function of the policy, as for
    // first builds), then handed to the cache one by one, in group order, under this lock.
    List<Build> builds = whole.parallelStream().map(group -> build(policy, group)).toList();
    for (int i = 0; i < whole.size(); i++) {
      commit(whole.get(i), builds.get(i), pass);
    }
    Set<ProxyGroup> rebuilt = reached.keySet();
    lastRebuilt = Collections.unmodifiableSet(rebuilt);
    lastRebuiltEndpointsOnly = Collections.unmodifiableSet(endpointsOnly);
    previous = policy;
    if (servicesChanged) {
      decommissionRemovedServices(policy, pass);
    }
    // One line per change, not per group: at 1,000 services a change may push hundreds.
    LOG.info("revision {}: rebuilt {} of {} groups built ({} endpoints only), {} with a new "
        + "config", policy.revision(), rebuilt.size(), reads.size(), endpointsOnly.size(),
        pass.pushed);
    metrics.rebuilt(pass.translateNanos, pass.gateNanos);
  }

  /**
   * A service taken out of the policy is decommissioned: its proxies keep no listener and no
   * route, so nothing can reach it or be reached from it through the mesh.
   */
  private void decommissionRemovedServices(PolicySnapshot policy, Pass pass) {
    // Every group built so far (served, or refused by the Gate): none keeps a read log, so the
    // next publish treats it as never built and skips it while its service is absent.
    for (ProxyGroup removed : reads.readers()) {
      if (policy.services().containsKey(removed.service())) {
        continue;
      }
      if (servedGroups.remove(removed)) {
        LOG.warn("service {} is no longer in the policy (revision {}); its {} proxies get an "
            + "empty config", removed.service(), policy.revision(), removed.client());
        GroupResources none = GroupResources.empty();
        setIfChanged(removed, none, ContentVersion.ofGroup(none), pass);
      }
      published.remove(removed);
      failing.remove(removed);
      reads.remove(removed);
      unbuilt.add(removed);
    }
  }

  /**
   * Records that a proxy asks for {@code group}'s config and, the first time, has it built from
   * the latest policy (on {@code firstBuilds}); the cache answers the proxy's watch as soon as the
   * group's snapshot is set. Cheap for a known group: it runs for every request of every stream.
   */
  public void demand(ProxyGroup group) {
    if (!demanded.contains(group) && demanded.add(group)) {
      // Before the first build is asked for: a publish that misses the group here has finished
      // before the first build takes the lock, and the first build then sees its policy.
      unbuilt.add(group);
      try {
        firstBuilds.execute(() -> buildFirst(group));
      } catch (RejectedExecutionException stopping) {
        // The replica is closing: its streams end, nobody waits for this group.
      }
    }
  }

  /**
   * Builds {@code groups} before any proxy asks for them, each as its first proxy would have it
   * built ({@link #buildFirst}), and from then on keeps them up to date like any group asked for.
   * A replica calls it once it has published the policy it starts with, so that the proxies that
   * reconnect to it (a restart, a rollout) find their config ready instead of waiting for it to
   * be built while all of them connect together.
   *
   * <p>Behind every group a proxy asks for: at most {@code parallelism} groups are in
   * {@code firstBuilds}' queue at a time, and each one, when done, queues the next at the back,
   * behind the first builds asked for meanwhile. A group already built, or whose service has
   * left the policy, is skipped.
   */
  public void buildAhead(List<ProxyGroup> groups, int parallelism) {
    if (groups.isEmpty()) {
      return;
    }
    BuildAhead ahead = new BuildAhead(groups, metrics.convergence().now());
    for (int i = 0; i < Math.min(parallelism, groups.size()); i++) {
      queueNextAhead(ahead);
    }
  }

  private void queueNextAhead(BuildAhead ahead) {
    try {
      firstBuilds.execute(() -> buildNextAhead(ahead));
    } catch (RejectedExecutionException stopping) {
      // The replica is closing: nobody will ask for these groups.
    }
  }

  private void buildNextAhead(BuildAhead ahead) {
    ProxyGroup group = ahead.queue.poll();
    if (group == null) {
      return;
    }
    FirstBuild outcome = buildFirst(group);
    if (outcome == FirstBuild.OVERTAKEN) {
      // A new policy came while it was built: once more from that one (it is rare that a build
      // of milliseconds is overtaken twice; a group left unbuilt is built when it is asked for).
      outcome = buildFirst(group);
    }
    if (outcome == FirstBuild.BUILT) {
      ahead.built.incrementAndGet();
    }
    if (ahead.left.decrementAndGet() == 0) {
      LOG.info("built {} of {} groups ahead of their proxies in {} ms (the others were asked for "
          + "or built by then)", ahead.built.get(), ahead.size,
          (metrics.convergence().now() - ahead.startNanos) / 1_000_000);
    } else {
      queueNextAhead(ahead);
    }
  }

  /** The groups of one {@link #buildAhead} call not yet taken, and how it went. */
  private static final class BuildAhead {
    final Queue<ProxyGroup> queue;
    final int size;
    final long startNanos;
    /** Groups not yet done: the last one done reports. */
    final AtomicInteger left;
    final AtomicInteger built = new AtomicInteger();

    BuildAhead(List<ProxyGroup> groups, long startNanos) {
      this.queue = new ConcurrentLinkedQueue<>(groups);
      this.size = groups.size();
      this.startNanos = startNanos;
      this.left = new AtomicInteger(groups.size());
    }
  }

  /**
   * A group's first build, unless a publish has built it since it was asked for (a publish
   * builds every demanded group it has no read log of) or there is nothing to build yet (no
   * policy, or the service is not in it: the publish that brings it builds the group).
   *
   * <p>Translating and checking run outside the lock, so first builds use every thread
   * {@code firstBuilds} has while proxies connect together, and a publish is not held up by
   * them. The result is handed to the cache only if the policy it was built from is still the
   * latest: otherwise the publish that brought the newer one has built the group already if a
   * proxy had asked for it, and the build is {@link FirstBuild#OVERTAKEN} if none had.
   */
  private FirstBuild buildFirst(ProxyGroup group) {
    PolicySnapshot policy;
    synchronized (this) {
      policy = previous;
      if (policy == null || reads.contains(group)
          || !policy.services().containsKey(group.service())) {
        return FirstBuild.NOT_NEEDED;
      }
    }
    Pass pass = new Pass(policy.revision(), metrics.convergence().now());
    Build build = build(policy, group);
    synchronized (this) {
      if (reads.contains(group)) {
        return FirstBuild.NOT_NEEDED;
      }
      if (previous != policy) {
        return FirstBuild.OVERTAKEN;
      }
      commit(group, build, pass);
    }
    LOG.debug("group {} built at revision {}", group, policy.revision());
    metrics.rebuilt(pass.translateNanos, pass.gateNanos);
    return FirstBuild.BUILT;
  }

  /** How a {@link #buildFirst} went. */
  private enum FirstBuild {
    /** Its config (or the Gate's refusal of it) was handed over. */
    BUILT,
    /** Built already, or nothing to build (no policy yet, or the service is not in it). */
    NOT_NEEDED,
    /**
     * Dropped: a newer policy came while it was built and its publish did not build the group
     * (a publish builds only the groups asked for).
     */
    OVERTAKEN
  }

  /**
   * A group translated and checked from one policy, not yet handed to the cache, with the time
   * each step took.
   */
  private record Build(ReadLog read, GroupResources resources, GateResult result,
      Map<String, String> versions, long translateNanos, long gateNanos) {}

  /**
   * Translates and checks {@code group}: a pure function of the policy (and of the shared,
   * thread-safe resource interner and Gate memories), so it needs no lock.
   */
  private Build build(PolicySnapshot policy, ProxyGroup group) {
    ReadLog read = new ReadLog();
    PolicySnapshot recorded = policy.recording(read);
    // Groups are derived from the policy's services, so there is always something to translate.
    long started = System.nanoTime();
    // Shared before the Gate: its per-resource checks remember the instances they passed, and a
    // resource equal to one already checked (in another group, or this group's last build) is
    // that instance.
    GroupResources resources = shared.share(translator.translate(recorded, group).orElseThrow());
    long translated = System.nanoTime();
    GateResult result = gate.check(recorded, group, resources);
    long checked = System.nanoTime();
    Map<String, String> versions = result.passed() ? ContentVersion.ofGroup(resources) : Map.of();
    return new Build(read, resources, result, versions, translated - started, checked - translated);
  }

  private void commit(ProxyGroup group, Build build, Pass pass) {
    pass.translateNanos += build.translateNanos();
    pass.gateNanos += build.gateNanos();
    reads.put(group, build.read());
    unbuilt.remove(group);
    if (!build.result().passed()) {
      refuse(group, build.result(), pass);
      return;
    }
    failing.remove(group);
    servedGroups.add(group);
    setIfChanged(group, build.resources(), build.versions(), pass);
  }

  /**
   * The group's new load assignments with its other resources unchanged, for a change that
   * reaches it only through endpoints. False when that does not apply (the group has no good
   * config to start from, or its load assignments would not keep their names): then the caller
   * rebuilds the group whole.
   */
  private boolean publishLoadAssignments(PolicySnapshot policy, ProxyGroup group, Pass pass) {
    GroupResources current = published.get(group);
    if (current == null || failing.containsKey(group)) {
      return false;
    }
    // What the group read is unchanged but for endpoints; reading them again adds no new input,
    // and the log is indexed again below should it add a name.
    ReadLog read = reads.get(group);
    PolicySnapshot recorded = policy.recording(read);
    long started = System.nanoTime();
    List<ClusterLoadAssignment> assignments =
        shared.share(translator.loadAssignments(recorded, group).orElseThrow());
    long translated = System.nanoTime();
    if (!clusterNames(assignments).equals(clusterNames(current.endpoints()))) {
      return false;
    }
    GateResult result = gate.checkLoadAssignments(recorded, group, assignments);
    pass.translateNanos += translated - started;
    pass.gateNanos += System.nanoTime() - translated;
    reads.put(group, read);
    if (!result.passed()) {
      refuse(group, result, pass);
      return true;
    }
    GroupResources next = current.withLoadAssignments(assignments);
    setIfChanged(group, next, withEndpointVersion(group, next.endpoints()), pass);
    return true;
  }

  private void refuse(ProxyGroup group, GateResult result, Pass pass) {
    metrics.gateRejected();
    failing.put(group, result.violations());
    for (GateViolation violation : result.violations()) {
      LOG.error("not pushing revision {} to group {}: {}; it keeps its last good config",
          pass.revision, group, violation);
    }
  }

  private void setIfChanged(
      ProxyGroup group, GroupResources resources, Map<String, String> versions, Pass pass) {
    Map<String, String> served = withSecretsVersion(versions);
    Snapshot current = cache.getSnapshot(group);
    if (current != null && sameVersions(current, served)) {
      return;
    }
    Snapshot next = ContentVersionedSnapshot.of(resources, served, current);
    recordOrigins(group, current, next, pass);
    cache.setSnapshot(group, next);
    published.put(group, resources);
    metrics.snapshotPublished();
    pass.pushed++;
    if (LOG.isDebugEnabled()) { // describe() builds its string whether or not it is logged
      LOG.debug("group {} now at revision {}: {}", group, pass.revision, describe(next));
    }
  }

  /**
   * The versions of a group's snapshot after an endpoint-only rebuild: the current ones, and a
   * new EDS version; the other types hold the very same resources.
   */
  private Map<String, String> withEndpointVersion(
      ProxyGroup group, List<ClusterLoadAssignment> assignments) {
    Snapshot current = cache.getSnapshot(group);
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(Resources.V3.LISTENER_TYPE_URL, current.listeners().version());
    versions.put(Resources.V3.ROUTE_TYPE_URL, current.routes().version());
    versions.put(Resources.V3.CLUSTER_TYPE_URL, current.clusters().version());
    versions.put(Resources.V3.ENDPOINT_TYPE_URL, ContentVersion.of(assignments));
    versions.put(Resources.V3.SECRET_TYPE_URL, current.secrets().version());
    return versions;
  }

  /**
   * Tells the convergence measure which revision produced each type whose version changes, before
   * the cache can push it (see {@link io.paymesh.xds.metrics.ConvergenceTracker}).
   */
  private void recordOrigins(ProxyGroup group, Snapshot current, Snapshot next, Pass pass) {
    for (String type : SERVED_TYPES) {
      String version = next.version(type);
      if (current == null || !current.version(type).equals(version)) {
        metrics.convergence().published(
            group, type, version, pass.revision, pass.startNanos);
      }
    }
  }

  /** The groups the last {@link #publish} translated and checked again. */
  public synchronized Set<ProxyGroup> lastRebuilt() {
    return lastRebuilt;
  }

  /** Those of {@link #lastRebuilt} that got new load assignments and nothing else. */
  public synchronized Set<ProxyGroup> lastRebuiltEndpointsOnly() {
    return lastRebuiltEndpointsOnly;
  }

  /**
   * The groups this replica builds and keeps up to date: those asked for by a proxy or built
   * ahead, and not taken out of the policy since.
   */
  public synchronized Set<ProxyGroup> builtGroups() {
    return reads.readers();
  }

  /** Groups whose latest config the Gate refused, with the reasons. */
  public synchronized Map<ProxyGroup, List<GateViolation>> failingGroups() {
    return Map.copyOf(failing);
  }

  static Snapshot toSnapshot(GroupResources r) {
    return ContentVersionedSnapshot.of(r, withSecretsVersion(ContentVersion.ofGroup(r)), null);
  }

  /**
   * The versions with one for SDS: {@link ContentVersion#ofGroup} lists SDS only for a group that
   * has secrets (see there), and the cache needs an SDS version even for a group without any.
   */
  private static Map<String, String> withSecretsVersion(Map<String, String> versions) {
    if (versions.containsKey(Resources.V3.SECRET_TYPE_URL)) {
      return versions;
    }
    Map<String, String> all = new HashMap<>(versions);
    all.put(Resources.V3.SECRET_TYPE_URL, NO_SECRETS_VERSION);
    return all;
  }

  private static Set<String> clusterNames(List<ClusterLoadAssignment> assignments) {
    Set<String> names = new HashSet<>();
    assignments.forEach(cla -> names.add(cla.getClusterName()));
    return names;
  }

  /** Whether {@code current} has every one of the {@link #SERVED_TYPES} versions given. */
  private static boolean sameVersions(Snapshot current, Map<String, String> served) {
    return SERVED_TYPES.stream().allMatch(type -> current.version(type).equals(served.get(type)));
  }

  private static String describe(Snapshot s) {
    return "lds=" + s.listeners().version() + " rds=" + s.routes().version()
        + " cds=" + s.clusters().version() + " eds=" + s.endpoints().version()
        + " sds=" + s.secrets().version();
  }

  /**
   * One publish (or one on-demand build): its revision, when it began (on the convergence
   * clock), its translation and Gate time and how many groups it gave a new config.
   */
  private static final class Pass {
    final long revision;
    final long startNanos;
    long translateNanos;
    long gateNanos;
    int pushed;

    Pass(long revision, long startNanos) {
      this.revision = revision;
      this.startNanos = startNanos;
    }
  }
}
