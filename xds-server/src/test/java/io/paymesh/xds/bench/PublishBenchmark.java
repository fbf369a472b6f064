package io.paymesh.xds.bench;

import io.paymesh.xds.metrics.XdsMetrics;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.ProxyGroups;
import io.paymesh.xds.ads.Publishers;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateVariants;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SnapshotPublisher.publish of a whole policy: the time from a policy snapshot reaching the
 * publisher to every group's snapshot being in the cache. {@code change} alternates between two
 * policies that differ in one RouteTable (the steady-state case: the incremental publisher
 * rebuilds the groups of that host's callers, which reach the cache); {@code endpointChange}
 * alternates between two policies that differ in one endpoint of one service (the groups that
 * route to it get new load assignments only, EDS alone is pushed); {@code cold} publishes
 * into a fresh cache (start-up: every group is built and set). Each changed policy is made from
 * the one before it, as the policy watcher makes them ({@code PolicySnapshot.builder(revision,
 * base)}): it shares every map its change left alone, which is what comparing two policies
 * relies on to be quick.
 * {@code gate=without-9} runs the same with a Gate that skips Envoy's field rules (invariant 9),
 * to show what they cost per publish ({@code -p gate=all,without-9}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", BenchJvm.LOGBACK, BenchJvm.REPLICA_JIT,
    BenchJvm.REPLICA_PAGES, BenchJvm.REPLICA_TENURING})
// At 1000 services one publish takes seconds, so an iteration is one or two publishes: eight
// warmup iterations let the JIT settle before measuring.
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 3)
public class PublishBenchmark {
  @Param({"10", "100", "1000"})
  public int services;

  @Param({"all"})
  public String gate;

  private PolicySnapshot original;
  /** Made from {@link #original}: service 0's RouteTable with a new timeout. */
  private PolicySnapshot changed;
  /** Made from {@link #changed}: the RouteTable as in {@link #original}. */
  private PolicySnapshot changedBack;
  /** Made from {@link #original}: service 0 without its first instance. */
  private PolicySnapshot withoutEndpoint;
  /** Made from {@link #withoutEndpoint}: the instance back. */
  private PolicySnapshot withEndpointBack;
  private SnapshotPublisher endpointsWarm;
  private SnapshotPublisher warm;
  private SnapshotPublisher fresh;
  private long publishes;

  @Setup(Level.Trial)
  public void setUp() {
    SyntheticPolicy policy = SyntheticPolicy.generate(services);
    original = policy.snapshot(1);
    changed = PolicySnapshot.builder(2, original)
        .add(SyntheticPolicy.firstRouteTable(Duration.ofSeconds(2))).build();
    changedBack = PolicySnapshot.builder(3, changed)
        .add(SyntheticPolicy.firstRouteTable(Duration.ofSeconds(1))).build();
    String first = SyntheticPolicy.serviceName(0);
    List<Endpoint> instances = original.endpointsOf(first);
    withoutEndpoint = PolicySnapshot.builder(4, original)
        .replaceEndpoints(first, instances.subList(1, instances.size())).build();
    withEndpointBack = PolicySnapshot.builder(5, withoutEndpoint)
        .replaceEndpoints(first, instances).build();
    warm = newPublisher();
    warm.publish(original);
    if (!warm.failingGroups().isEmpty()) {
      throw new IllegalStateException("synthetic groups fail the Gate: " + warm.failingGroups());
    }
    endpointsWarm = newPublisher();
    endpointsWarm.publish(original);
    endpointsWarm.publish(withoutEndpoint);
    if (endpointsWarm.lastRebuiltEndpointsOnly().isEmpty()
        || !endpointsWarm.lastRebuiltEndpointsOnly().equals(endpointsWarm.lastRebuilt())) {
      throw new IllegalStateException("an endpoint change rebuilt more than load assignments: "
          + endpointsWarm.lastRebuilt());
    }
  }

  /** A new cache and publisher for every cold publish; not part of the measured time. */
  @Setup(Level.Invocation)
  public void freshCache() {
    fresh = newPublisher();
  }

  @Benchmark
  public SnapshotPublisher change() {
    publishes++;
    warm.publish(publishes % 2 == 0 ? changedBack : changed);
    return warm;
  }

  @Benchmark
  public SnapshotPublisher endpointChange() {
    publishes++;
    endpointsWarm.publish(publishes % 2 == 0 ? withEndpointBack : withoutEndpoint);
    return endpointsWarm;
  }

  @Benchmark
  public SnapshotPublisher cold() {
    fresh.publish(original);
    return fresh;
  }

  private SnapshotPublisher newPublisher() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    Gate checks = switch (gate) {
      case "all" -> new Gate();
      case "without-9" -> GateVariants.without("9");
      default -> throw new IllegalArgumentException("gate must be all or without-9: " + gate);
    };
    // Every group has a proxy: the publisher builds only groups that were asked for.
    return Publishers.demandEveryGroup(
        new SnapshotPublisher(new GroupTranslator(), checks, cache, XdsMetrics.standalone()),
        original);
  }
}
