package io.paymesh.xds.load;

import com.sun.management.OperatingSystemMXBean;
import io.etcd.jetcd.Client;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.EndpointRegistry;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.WriteSteps;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.status.ProxyStatusReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load tool behind {@code scripts/load}: writes a synthetic mesh of {@code --services}
 * services into etcd, opens {@code --streams} simulated Envoy ADS streams over {@code --channels}
 * connections to an xds-server, and measures, as Markdown on stdout: initial config time, the
 * latency from one RouteTable put to the last push of every affected stream and to etcd's watch
 * event for it (the etcd floor, {@link EtcdFloor}), pushes per stream and convergence in a burst
 * of puts, the server's CPU per change and live heap (given its pid), and how long after the ACKs
 * the proxy status records are all in etcd. Every wait is bounded by
 * {@code --timeout}; the tool exits 1 if a stream failed or a wait ran out.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Simulated Envoy load against a running xds-server.")
public final class LoadMain implements Callable<Integer> {
  private static final Duration ENDPOINT_TTL = Duration.ofHours(2);
  /** A change has converged when no stream received anything for this long. */
  private static final Duration QUIET = Duration.ofMillis(500);

  @Option(names = "--etcd", required = true, description = "etcd endpoint, e.g. http://127.0.0.1:2379")
  String etcd;
  @Option(names = "--prefix", defaultValue = "/paymesh/", description = "etcd prefix of the mesh")
  String prefix;
  @Option(names = "--ads", required = true, description = "plaintext ADS address host:port")
  String ads;
  @Option(names = "--services", defaultValue = "100", description = "services in the mesh")
  int services;
  @Option(names = "--write-policy", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "write the synthetic policy and endpoints first (default: true)")
  boolean writePolicy;
  @Option(names = "--write-only", description = "write the synthetic policy and endpoints into"
      + " the benchmark's throwaway etcd (straight into etcd, around the admin API and its Gate:"
      + " never a cluster's etcd), then exit")
  boolean writeOnly;
  @Option(names = "--started-at-ms", description = "when the server process was started (epoch "
      + "ms): report how long it took to serve, by its gRPC health status")
  Optional<Long> startedAtMs;
  @Option(names = "--cold-start-ms", description = "launch -> SERVING as measured by "
      + "ColdStartMain, a probe started before the server (instead of --started-at-ms)")
  Optional<Long> coldStartMs;
  @Option(names = "--launched-at-ms", description = "when the server process was launched (epoch"
      + " ms): also report launch -> all types ACKed, its start-up and the connect together")
  Optional<Long> launchedAtMs;
  @Option(names = "--streams", defaultValue = "1000", description = "simulated Envoys")
  int streams;
  @Option(names = "--channels", defaultValue = "8", description = "connections the streams share")
  int channels;
  @Option(names = "--changes", defaultValue = "5", description = "single RouteTable changes to time")
  int changes;
  @Option(names = "--warmup-changes", defaultValue = "3", description = "RouteTable changes made "
      + "first, reported on their own row: the first changes a freshly started server compiles")
  int warmupChanges;
  @Option(names = "--tool-warmup-puts", defaultValue = "400", description = "puts of the tool's"
      + " own write path to a scratch prefix no server watches, before it times any change: its"
      + " first hundreds run interpreted (0: none)")
  int toolWarmupPuts;
  @Option(names = "--burst", defaultValue = "50", description = "puts in the one-second burst (0: none)")
  int burst;
  @Option(names = "--server-pid", description = "the xds-server's pid, for its CPU and heap")
  Optional<Long> serverPid;
  @Option(names = "--histogram", description = "also write the server's live object histogram "
      + "to this file, taken with its live heap (streams open)")
  Optional<Path> histogram;
  @Option(names = "--status", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "measure the proxy status lag (default: true; the reference server has none)")
  boolean status;
  @Option(names = "--label", defaultValue = "paymesh", description = "names the server in the report")
  String label;
  @Option(names = "--timeout", defaultValue = "PT120S", description = "bound of every wait (ISO-8601)")
  Duration timeout;

  private final PrintStream out;
  private int timeoutOffset;

  LoadMain(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadMain(System.out)).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (toolWarmupPuts > 0) {
      WritePathWarmup.requireApartFrom(prefix);
    }
    List<String> problems = new ArrayList<>();
    try (Client client = Client.builder().endpoints(etcd).build()) {
      PolicyRepository repository = new PolicyRepository(client, prefix, new PolicyCodec());
      SyntheticPolicy mesh = SyntheticPolicy.generate(services);
      if (writePolicy || writeOnly) {
        writeMesh(client, repository, mesh);
      }
      if (writeOnly) {
        return 0;
      }
      ServerProbe server = serverPid.map(ServerProbe::new).orElse(null);
      List<ManagedChannel> connections = openChannels();
      List<SimulatedEnvoy> envoys = new ArrayList<>();
      StreamTally tally = new StreamTally();
      try {
        Report report = new Report(out, label, services, streams, channels);
        coldStartMs.ifPresent(report::coldStart);
        if (startedAtMs.isPresent()) {
          Optional<Long> serving = ColdStart.awaitServing(connections.get(0), timeout);
          serving.ifPresentOrElse(at -> report.coldStart(at - startedAtMs.get()),
              () -> problems.add("the server did not report SERVING within " + timeout));
        }
        long connectCpuBefore = server == null ? 0 : server.cpuNanos();
        long toolCpuBefore = ownCpuNanos();
        System.err.printf(Locale.ROOT, "streams opening at %s%n", Instant.now());
        long connectStart = System.nanoTime();
        for (int i = 0; i < streams; i++) {
          envoys.add(SimulatedEnvoy.connect(connections.get(i % channels), "load-" + i,
              SyntheticPolicy.serviceName(i % services), tally));
        }
        boolean allAcked = Waits.until(timeout, () -> tally.settledStreams() >= streams);
        long connectedNanos = System.nanoTime() - connectStart;
        long connectedAtMs = System.currentTimeMillis();
        if (!allAcked) {
          problems.add("not every stream had its initial config within " + timeout);
        }
        report.initialConfig(connectedNanos, envoys,
            server == null ? -1 : server.cpuNanos() - connectCpuBefore,
            server == null ? -1 : server.peakResidentBytes());
        report.connectTraffic(tally.responses(), streams, ownCpuNanos() - toolCpuBefore);
        launchedAtMs.ifPresent(at -> report.launchToAllAcked(connectedAtMs - at));
        if (status) {
          // From the moment the last stream ACKed, as an operator reading status would see it.
          new StatusLag(new ProxyStatusReader(client, prefix), streams, timeout)
              .measure(connectStart + connectedNanos).ifPresentOrElse(report::statusLag,
                  () -> problems.add("proxy status did not show the ACKs of " + streams
                      + " streams within " + timeout));
        }
        // The proxies have a first config, but the server may still be catching up with the
        // mesh just written (endpoint registrations); changes are timed from a quiet server.
        if (server != null && !server.awaitIdle(timeout)) {
          problems.add("the server did not become idle within " + timeout);
        }

        if (toolWarmupPuts > 0) {
          warmWritePath(client);
        }
        // The changed document's key, watched by the tool as the server watches it.
        try (EtcdFloor floor = EtcdFloor.watching(client, new KeyLayout(prefix).policyKey(
            SyntheticPolicy.firstRouteTable(Duration.ZERO).key()), timeout)) {
          ChangeTimer timer = new ChangeTimer(repository, envoys, tally, timeout, QUIET, floor);
          if (warmupChanges > 0) {
            List<ChangeTimer.Change> firsts = new ArrayList<>();
            for (int k = 1; k <= warmupChanges; k++) {
              firsts.add(timer.single(nextTimeout()));
            }
            report.firstChanges(firsts);
          }
          List<ChangeTimer.Change> singles = new ArrayList<>();
          long cpuBefore = server == null ? 0 : server.cpuNanos();
          for (int k = 1; k <= changes; k++) {
            ChangeTimer.Change single = timer.single(nextTimeout());
            singles.add(single);
            // On stderr, not in the report: which change was slow, and when (to set against the
            // server's log or a GC log), and how much of it the put call and etcd took.
            System.err.printf(Locale.ROOT, "change %d put at %s (the call took %.1f ms, etcd's"
                + " watch event came after %.1f ms): %s ms%n", k, single.firstPutAt(),
                single.lastPutCallNanos() / 1e6, single.lastPutEtcdFloorNanos() / 1e6,
                single.latencies().stream()
                    .map(n -> String.format(Locale.ROOT, "%.1f", n / 1e6)).toList());
            if (single.lastPutEtcdFloorNanos() < 0) {
              problems.add("the tool's watch did not hear change " + k + " within " + timeout);
            }
          }
          long cpuAfter = server == null ? 0 : server.cpuNanos();
          report.singleChanges(singles,
              server == null ? -1 : (cpuAfter - cpuBefore) / Math.max(1, changes));
          if (burst > 0) {
            report.burst(timer.burst(burst, Duration.ofSeconds(1), this::nextTimeout));
          }
        }
        if (server != null) {
          report.liveHeap(server.liveHeapBytes());
          if (histogram.isPresent()) {
            server.writeHistogram(histogram.get());
          }
        }
        for (SimulatedEnvoy envoy : envoys) {
          if (envoy.failure() != null) {
            problems.add(envoy.nodeId() + ": " + envoy.failure());
          }
          if (envoy.unreadable() > 0) {
            problems.add(envoy.nodeId() + ": " + envoy.unreadable() + " unreadable resources");
          }
        }
      } finally {
        envoys.forEach(SimulatedEnvoy::close);
        for (ManagedChannel channel : connections) {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
    problems.stream().limit(20).forEach(p -> System.err.println("problem: " + p));
    return problems.isEmpty() ? 0 : 1;
  }

  /** This process's CPU time (all its threads, user + system). */
  private static long ownCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** A RouteTable timeout no earlier change used, so every put is a real change. */
  private Duration nextTimeout() {
    timeoutOffset++;
    return Duration.ofMillis(1000 + timeoutOffset);
  }

  /** On stderr: what the warm-up did to the tool's put call, first puts against last. */
  private void warmWritePath(Client client) throws Exception {
    List<Long> calls = WritePathWarmup.run(client, prefix, toolWarmupPuts, timeout);
    int window = Math.max(1, calls.size() / 8);
    System.err.printf(Locale.ROOT, "warmed the tool's write path with %d puts: the put call took"
        + " %.1f ms at the median over the first %d, %.1f ms over the last %d%n", calls.size(),
        Report.percentile(calls.subList(0, window), 50) / 1e6, window,
        Report.percentile(calls.subList(calls.size() - window, calls.size()), 50) / 1e6, window);
  }

  private void writeMesh(Client client, PolicyRepository repository, SyntheticPolicy mesh)
      throws Exception {
    long start = System.nanoTime();
    for (List<PolicyResource> step : WriteSteps.of(mesh.resources())) {
      repository.putAll(step);
    }
    EndpointRegistry registry = new EndpointRegistry(client, prefix);
    for (Endpoint endpoint : mesh.endpoints()) {
      registry.registerOnce(endpoint, ENDPOINT_TTL);
    }
    System.err.printf("wrote %d documents and %d endpoints in %d ms%n", mesh.resources().size(),
        mesh.endpoints().size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  private List<ManagedChannel> openChannels() {
    String[] hostPort = ads.split(":");
    List<ManagedChannel> connections = new ArrayList<>();
    for (int c = 0; c < channels; c++) {
      connections.add(NettyChannelBuilder.forAddress(hostPort[0], Integer.parseInt(hostPort[1]))
          .usePlaintext()
          .maxInboundMessageSize(64 * 1024 * 1024)
          .build());
    }
    return connections;
  }
}
