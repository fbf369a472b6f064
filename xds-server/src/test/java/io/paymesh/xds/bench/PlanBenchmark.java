package io.paymesh.xds.bench;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.inspect.PlanCalculator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The plan behind every admin API write ({@code PlanCalculator.plan}): every group of every client
 * family translated and checked under the current policy, those the change reaches also under the
 * proposed one, and the groups that differ rendered as diffs. {@code oneRouteTable} plans a change
 * of one RouteTable, which changes the groups of that host's callers (three services, four
 * families each, in the synthetic mesh). The planner is kept across operations, as the admin API
 * keeps one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", BenchJvm.LOGBACK})
// At 1000 services one plan takes seconds: an iteration is one or two plans.
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 3)
public class PlanBenchmark {
  @Param({"100", "1000"})
  public int services;

  private PolicySnapshot current;
  private PolicySnapshot proposed;
  private final PlanCalculator planner = new PlanCalculator();

  @Setup
  public void setUp() {
    SyntheticPolicy policy = SyntheticPolicy.generate(services);
    current = policy.snapshot(1);
    proposed = policy.withChangedRouteTable().snapshot(2);
    if (planner.plan(current, proposed).isEmpty()) {
      throw new IllegalStateException("the synthetic RouteTable change plans no change");
    }
  }

  @Benchmark
  public List<PlanCalculator.GroupPlan> oneRouteTable() {
    return planner.plan(current, proposed);
  }
}
