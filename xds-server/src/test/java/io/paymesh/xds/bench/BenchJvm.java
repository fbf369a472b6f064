package io.paymesh.xds.bench;

/** JVM settings shared by the benchmark forks. */
final class BenchJvm {
  /**
   * The publisher logs one INFO line per changed group; the benchmarks measure the pipeline, not
   * a console appender, so forks log at WARN (logback-bench.xml in the test resources).
   */
  static final String LOGBACK = "-Dlogback.configurationFile=logback-bench.xml";

  private BenchJvm() {}
}
