package io.paymesh.xds.bench;

/** JVM settings shared by the benchmark forks. */
final class BenchJvm {
  /**
   * The publisher logs one INFO line per changed group; the benchmarks measure the pipeline, not
   * a console appender, so forks log at WARN (logback-bench.xml in the test resources).
   */
  static final String LOGBACK = "-Dlogback.configurationFile=logback-bench.xml";

  /**
   * The JIT compilers a replica runs with (C1 alone: scripts/lib/common.sh, the image), for the
   * publisher's benchmarks (GroupBenchmark, PublishBenchmark). PlanBenchmark measures the admin
   * API, which runs with both; SignBenchmark keeps both, with which its documented figures were
   * measured.
   */
  static final String REPLICA_JIT = "-XX:TieredStopAtLevel=1";

  /** The heap in transparent huge pages, as a replica's (scripts/lib/common.sh, the image). */
  static final String REPLICA_PAGES = "-XX:+UseTransparentHugePages";

  /** Survivors of a young collection tenured at once, as a replica's (the same places). */
  static final String REPLICA_TENURING = "-XX:MaxTenuringThreshold=0";

  private BenchJvm() {}
}
