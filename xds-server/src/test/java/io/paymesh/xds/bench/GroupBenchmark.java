package io.paymesh.xds.bench;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ads.ContentVersion;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateResult;
import io.paymesh.xds.gate.GateVariants;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.Map;
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
 * The per-group steps of a publish, for one sidecar group with five dependencies (the largest a
 * synthetic service has): translate + Gate (what publish does), each alone to show where the time
 * goes, the Gate's Envoy field rules (invariant 9) alone and the Gate without them, and the
 * content hash that decides whether the cache is touched. The mesh size is a
 * parameter because some steps scan policy-wide maps (all AuthorizationPolicies, for example).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", BenchJvm.LOGBACK, BenchJvm.REPLICA_JIT,
    BenchJvm.REPLICA_PAGES, BenchJvm.REPLICA_TENURING})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class GroupBenchmark {
  /** Service 2 has dependencies 3 + 2 % 3 = 5: two pairs and a PaymentProcessor. */
  private static final ProxyGroup GROUP = ProxyGroup.sidecar(SyntheticPolicy.serviceName(2));

  /** Invariant 9: Envoy's field rules. */
  private static final String FIELD_RULES = "9";

  @Param({"100", "1000"})
  public int services;

  private final GroupTranslator translator = new GroupTranslator();
  private final Gate gate = new Gate();
  private final Gate fieldRulesOnly = GateVariants.only(FIELD_RULES);
  private final Gate withoutFieldRules = GateVariants.without(FIELD_RULES);
  private PolicySnapshot policy;
  private GroupResources resources;

  @Setup
  public void setUp() {
    policy = SyntheticPolicy.generate(services).snapshot(1);
    resources = translator.translate(policy, GROUP).orElseThrow();
    GateResult result = gate.check(policy, GROUP, resources);
    if (!result.passed()) {
      throw new IllegalStateException("synthetic group fails the Gate: " + result.violations());
    }
  }

  @Benchmark
  public GateResult translateAndGate() {
    GroupResources translated = translator.translate(policy, GROUP).orElseThrow();
    return gate.check(policy, GROUP, translated);
  }

  @Benchmark
  public GroupResources translate() {
    return translator.translate(policy, GROUP).orElseThrow();
  }

  @Benchmark
  public GateResult gate() {
    return gate.check(policy, GROUP, resources);
  }

  @Benchmark
  public GateResult fieldRules() {
    return fieldRulesOnly.check(policy, GROUP, resources);
  }

  @Benchmark
  public GateResult gateWithoutFieldRules() {
    return withoutFieldRules.check(policy, GROUP, resources);
  }

  @Benchmark
  public Map<String, String> contentVersion() {
    return ContentVersion.ofGroup(resources);
  }
}
