package io.paymesh.xds.load;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The load tool's results as a Markdown table, one row per figure. */
final class Report {
  private final PrintStream out;

  Report(PrintStream out, String label, int services, int streams, int channels) {
    this.out = out;
    out.printf(Locale.ROOT, "%n%s: %d services, %d streams over %d channels%n%n", label, services,
        streams, channels);
    out.println("| figure | value |");
    out.println("|---|---|");
  }

  /**
   * {@code serverCpuNanos} and {@code serverPeakResidentBytes} are negative when the server's
   * process is not known.
   */
  void initialConfig(long allNanos, List<SimulatedEnvoy> envoys, long serverCpuNanos,
      long serverPeakResidentBytes) {
    List<Long> perStream = envoys.stream().filter(SimulatedEnvoy::initialConfigAcked)
        .map(SimulatedEnvoy::initialConfigNanos).toList();
    row("streams connect -> all types ACKed (all streams)", ms(allNanos));
    row("initial config per stream p50 / p99", ms(percentile(perStream, 50)) + " / "
        + ms(percentile(perStream, 99)));
    if (serverCpuNanos >= 0) {
      row("server CPU over the connect (user + system)", ms(serverCpuNanos));
    }
    if (serverPeakResidentBytes >= 0) {
      row("server peak resident memory by the end of the connect (VmHWM)",
          mib(serverPeakResidentBytes));
    }
  }

  /**
   * What the connect asked of the load tool, which shares the machine's cores with the server:
   * how many responses each stream read on average (the four types at least; more when a server
   * answers a type twice), and the tool's own CPU over the connect.
   */
  void connectTraffic(long responses, int streams, long toolCpuNanos) {
    row("responses per stream over the connect (mean)",
        String.format(Locale.ROOT, "%.2f", responses / (double) Math.max(1, streams)));
    row("load tool CPU over the connect (user + system)", ms(toolCpuNanos));
  }

  void coldStart(long millis) {
    row("server process start -> gRPC health SERVING (etcd already holding the mesh)",
        ms(TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  /**
   * From launching the server's process until every stream had ACKed its first config: what a
   * restart costs proxies that connect as soon as it serves, whether a server builds their
   * snapshots before it serves or as they ask.
   */
  void launchToAllAcked(long millis) {
    row("server process start -> all types ACKed (start-up, the tool's start, the connect)",
        ms(TimeUnit.MILLISECONDS.toNanos(millis)));
  }

  void statusLag(long nanos) {
    row("last stream ACKed -> every proxy status record in etcd shows its ACKs", ms(nanos));
  }

  /** The first changes after the proxies connected, while the server still compiles. */
  void firstChanges(List<ChangeTimer.Change> changes) {
    List<Long> latencies = changes.stream().flatMap(c -> c.latencies().stream()).toList();
    row("first " + changes.size() + " RouteTable puts after connect -> last push of each affected"
        + " stream, p50 / max", ms(percentile(latencies, 50)) + " / "
        + ms(max(latencies)));
  }

  void singleChanges(List<ChangeTimer.Change> changes, long cpuNanosPerChange) {
    List<Long> latencies = changes.stream().flatMap(c -> c.latencies().stream()).toList();
    long affected = changes.isEmpty() ? 0 : changes.get(0).latencies().size();
    row("one RouteTable put -> last push of each affected stream, p50 / p99 (" + changes.size()
        + " changes, " + affected + " affected streams each)",
        ms(percentile(latencies, 50)) + " / " + ms(percentile(latencies, 99)));
    // The write path's own share, until etcd's answer reaches the tool.
    List<Long> putCalls = changes.stream().map(ChangeTimer.Change::lastPutCallNanos).toList();
    row("... of which the put call (the repository's validation, read and transaction), p50 / max",
        ms(percentile(putCalls, 50)) + " / "
        + ms(max(putCalls)));
    // What etcd alone takes of a change: no server watching etcd can push before this.
    List<Long> floors = changes.stream().map(ChangeTimer.Change::lastPutEtcdFloorNanos)
        .filter(nanos -> nanos >= 0).toList();
    row("... the etcd floor: put -> its watch event in the load tool, p50 / p99",
        ms(percentile(floors, 50)) + " / " + ms(percentile(floors, 99)));
    // The rest: from etcd having the change (the put call returned) to the last push, so that a
    // slow write (an fsync of etcd's log) and a slow server are told apart.
    List<Long> afterPutCall = changes.stream()
        .flatMap(c -> c.latencies().stream().map(latency -> latency - c.lastPutCallNanos()))
        .toList();
    row("... from the put call's return to the last push, p50 / p99",
        ms(percentile(afterPutCall, 50)) + " / " + ms(percentile(afterPutCall, 99)));
    if (changes.stream().anyMatch(c -> !c.converged())) {
      row("changes that did not converge", Long.toString(
          changes.stream().filter(c -> !c.converged()).count()));
    }
    if (cpuNanosPerChange >= 0) {
      row("server CPU per change", ms(cpuNanosPerChange));
    }
  }

  void burst(ChangeTimer.Change burst) {
    List<Long> pushes = burst.pushes().stream().map(Integer::longValue).toList();
    row("burst of " + burst.puts() + " puts in 1 s: pushes per affected stream p50 / max",
        percentile(pushes, 50) + " / " + max(pushes));
    row("burst: last put -> converged", burst.converged() ? ms(burst.convergenceNanos())
        : "did not converge");
  }

  void liveHeap(long bytes) {
    row("server live heap after full GC", mib(bytes));
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024.0));
  }

  private void row(String figure, String value) {
    out.println("| " + figure + " | " + value + " |");
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / (double) TimeUnit.MILLISECONDS.toNanos(1));
  }

  /** The largest value; 0 for no values. */
  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** Nearest-rank percentile; 0 for no values. */
  static long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }
}
