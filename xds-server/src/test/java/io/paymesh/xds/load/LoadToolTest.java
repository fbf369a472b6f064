package io.paymesh.xds.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.XdsServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The load tool (scripts/load) against a real xds-server and etcd, small: its simulated Envoys
 * get their whole config (clusters, endpoints, listeners, routes), see a RouteTable change and a
 * burst, and it reports every figure. The figures themselves are for docs/performance.md.
 */
class LoadToolTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @Test
  void simulatedEnvoysGetTheirConfig_andTheToolReportsEveryFigure() throws Exception {
    // As scripts/load: the mesh first, then a server that starts cold on it.
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    assertThat(new CommandLine(new LoadMain(new PrintStream(written, true, StandardCharsets.UTF_8)))
        .execute("--etcd", ETCD.endpoint(), "--prefix", "/load/", "--ads", "127.0.0.1:1",
            "--services", "6", "--write-only")).isZero();
    assertThat(written.toString(StandardCharsets.UTF_8)).as("no report yet").isEmpty();
    long startedAt = System.currentTimeMillis();
    try (XdsServer server = XdsServer.builder(ETCD.client()).prefix("/load/")
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0)).start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      LoadMain tool = new LoadMain(new PrintStream(out, true, StandardCharsets.UTF_8));

      int exit = new CommandLine(tool).execute("--etcd", ETCD.endpoint(), "--prefix", "/load/",
          "--ads", "127.0.0.1:" + server.plaintextAdsPort(), "--services", "6", "--streams", "12",
          "--channels", "2", "--changes", "2", "--burst", "5", "--timeout", "PT60S",
          "--tool-warmup-puts", "5",
          // The server runs in this JVM: the tool measures this process as it would the server's.
          "--server-pid", Long.toString(ProcessHandle.current().pid()),
          "--no-write-policy", "--started-at-ms", Long.toString(startedAt),
          "--launched-at-ms", Long.toString(startedAt));
      long elapsedMs = System.currentTimeMillis() - startedAt;

      String report = out.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(report).isZero();
      assertThat(report)
          .contains("paymesh: 6 services, 12 streams over 2 channels")
          .contains("| server process start -> gRPC health SERVING (etcd already holding the mesh) |")
          .contains("| streams connect -> all types ACKed (all streams) |")
          .contains("| last stream ACKed -> every proxy status record in etcd shows its ACKs |")
          .containsPattern("one RouteTable put -> last push of each affected stream, p50 / p99 "
              + "\\(2 changes, [1-9][0-9]* affected streams each\\)")
          .containsPattern("\\| \\.\\.\\. of which the put call \\(the repository's "
              + "validation, read and transaction\\), p50 / max \\| [0-9.]+ ms / [0-9.]+ ms \\|")
          .containsPattern("\\| \\.\\.\\. the etcd floor: put -> its watch event in the load "
              + "tool, p50 / p99 \\| [0-9.]+ ms / [0-9.]+ ms \\|")
          .containsPattern("\\| \\.\\.\\. from the put call's return to the last push, p50 / p99 "
              + "\\| [0-9.]+ ms / [0-9.]+ ms \\|")
          .contains("| burst: last put -> converged |")
          .containsPattern(
              "\\| server CPU over the connect \\(user \\+ system\\) \\| [0-9.]+ ms \\|")
          .containsPattern("\\| server peak resident memory by the end of the connect \\(VmHWM\\) "
              + "\\| [1-9][0-9]* MiB \\|")
          .containsPattern("\\| server CPU per change \\| [0-9.]+ ms \\|")
          .containsPattern("\\| server live heap after full GC \\| [1-9][0-9]* MiB \\|")
          .doesNotContain("did not converge");
      // Launch -> all ACKed holds the connect and the start before it, and ended before now.
      double launchToAcked = figure(report,
          "server process start -> all types ACKed (start-up, the tool's start, the connect)");
      assertThat(launchToAcked)
          .isGreaterThan(figure(report, "streams connect -> all types ACKed (all streams)"))
          .isGreaterThan(figure(report,
              "server process start -> gRPC health SERVING (etcd already holding the mesh)"))
          .isLessThanOrEqualTo(elapsedMs);
      // Every stream read its four types at least; the tool spent CPU reading them.
      assertThat(number(report, "responses per stream over the connect (mean)"))
          .isGreaterThanOrEqualTo(4.0);
      assertThat(figure(report, "load tool CPU over the connect (user + system)"))
          .isPositive();
      assertThat(WritePathWarmupTest.keysUnder(ETCD.client(), WritePathWarmup.SCRATCH_PREFIX))
          .as("the tool's warm-up leaves nothing behind").isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> server.proxies().connected().isEmpty());
    }
  }

  @Test
  void theColdStartProbe_timesAServerLaunchedAfterItIsReady(@TempDir Path dir) throws Exception {
    int port = LoopbackPorts.free();
    Path ready = dir.resolve("ready");
    Path startedAt = dir.resolve("started-at");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ColdStartMain probe = new ColdStartMain(new PrintStream(out, true, StandardCharsets.UTF_8));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> new CommandLine(probe)
        .execute("--ads", "127.0.0.1:" + port, "--ready-file", ready.toString(),
            "--started-at-file", startedAt.toString(), "--timeout", "PT60S"));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(ready));

    long launched = System.currentTimeMillis();
    Files.writeString(startedAt, Long.toString(launched));
    try (XdsServer server = XdsServer.builder(ETCD.client()).prefix("/cold/")
        .plaintextAds(new InetSocketAddress("127.0.0.1", port)).start()) {
      assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
      long coldStartMs = Long.parseLong(out.toString(StandardCharsets.UTF_8).strip());
      assertThat(coldStartMs).isBetween(0L, System.currentTimeMillis() - launched);
      assertThat(server.policyRevision()).as("SERVING follows the first snapshot").isPositive();
    }
  }

  /** The milliseconds of one row of the report. */
  private static double figure(String report, String row) {
    return value(report, row, " ms");
  }

  /** The plain number of one row of the report. */
  private static double number(String report, String row) {
    return value(report, row, "");
  }

  private static double value(String report, String row, String unit) {
    Matcher value = Pattern.compile("\\| " + Pattern.quote(row) + " \\| ([0-9.]+)"
        + Pattern.quote(unit) + " \\|").matcher(report);
    assertThat(value.find()).as("row '%s' in%n%s", row, report).isTrue();
    return Double.parseDouble(value.group(1));
  }
}
