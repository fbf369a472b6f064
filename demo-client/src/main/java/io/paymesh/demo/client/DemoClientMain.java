package io.paymesh.demo.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The walk-through's client: a proxyless grpc-java app that calls the payments host through xDS
 * ({@code xds:///payments}) as a mesh service (checkout by default) and prints once a second
 * which demo backend answered how often, so a RouteTable change is seen moving traffic. Runs
 * until Ctrl-C or {@code --duration}.
 *
 * <p>Its calls are plaintext, because the demo backends scripts/run starts are: it proves routing,
 * not mTLS (a real mesh client uses XdsChannelCredentials, see docs/clients.md). ADS is either
 * the xds-server's plaintext dev port ({@code --plaintext-ads}, which believes any node's claim:
 * loopback only) or whatever a grpc-java bootstrap file says ({@code --bootstrap}, e.g. mTLS with
 * the workload agent's files).
 */
@Command(name = "paymesh-demo-client", mixinStandardHelpOptions = true,
    description = {"Calls payments.v1.Payments through xDS in a loop and prints, once a second,"
        + " which backend answered how many calls (and how many failed).",
        "ADS: --plaintext-ads HOST:PORT (the xds-server's plaintext dev port; scripts/run opens"
            + " one on 127.0.0.1:18001) or --bootstrap FILE (a grpc-java xDS bootstrap), else the"
            + " GRPC_XDS_BOOTSTRAP environment variable. Calls are plaintext, like the demo"
            + " backends. Exit codes: 0 done, 2 usage."})
public final class DemoClientMain implements Callable<Integer> {
  /** grpc-java reads an in-memory bootstrap from this system property ... */
  static final String BOOTSTRAP_CONFIG_PROPERTY = "io.grpc.xds.bootstrapConfig";
  /** ... and a bootstrap file's path from this one; both lose to the environment variables. */
  static final String BOOTSTRAP_FILE_PROPERTY = "io.grpc.xds.bootstrap";
  private static final String[] BOOTSTRAP_ENV = {"GRPC_XDS_BOOTSTRAP", "GRPC_XDS_BOOTSTRAP_CONFIG"};
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  @Option(names = "--plaintext-ads", paramLabel = "HOST:PORT",
      description = "the xds-server's plaintext ADS port (dev only)")
  String plaintextAds;

  @Option(names = "--bootstrap", paramLabel = "FILE", description = "a grpc-java xDS bootstrap")
  Path bootstrap;

  @Option(names = "--service", defaultValue = "checkout", paramLabel = "SERVICE",
      description = "the mesh service this client is, with --plaintext-ads (default:"
          + " ${DEFAULT-VALUE}); its policy decides the routes")
  String service;

  @Option(names = "--target", defaultValue = "xds:///payments", paramLabel = "URI",
      description = "the channel target (default: ${DEFAULT-VALUE})")
  String target;

  @Option(names = "--method", defaultValue = "Charge", paramLabel = "METHOD",
      description = "Charge, Refund or GetPayment (default: ${DEFAULT-VALUE})")
  String method;

  @Option(names = "--rate", defaultValue = "20", paramLabel = "N",
      description = "calls per second, 1 to 1000 (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--merchants", defaultValue = "20", paramLabel = "N",
      description = "x-merchant-id values to cycle through (default: ${DEFAULT-VALUE})")
  int merchants;

  @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS",
      description = "stop after this long (default: 0, until Ctrl-C)")
  long durationSeconds;

  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> environment;

  DemoClientMain(PrintStream out, PrintStream err, Map<String, String> environment) {
    this.out = out;
    this.err = err;
    this.environment = environment;
  }

  public static void main(String[] args) {
    DemoClientMain client = new DemoClientMain(System.out, System.err, System.getenv());
    Thread loop = Thread.currentThread();
    CountDownLatch finished = new CountDownLatch(1);
    // Ctrl-C: stop calling, print nothing half-done, close the channel, then let the JVM go.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      loop.interrupt();
      try {
        finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "demo-client-stop"));
    int code;
    try {
      code = new CommandLine(client).execute(args);
    } finally {
      finished.countDown();
    }
    System.exit(code);
  }

  @Override
  public Integer call() throws Exception {
    String problem = problem();
    if (problem != null) {
      err.println("paymesh-demo-client: " + problem);
      return CommandLine.ExitCode.USAGE;
    }
    String ads;
    if (plaintextAds != null) {
      System.setProperty(BOOTSTRAP_CONFIG_PROPERTY, PlaintextBootstrap.json(plaintextAds, service));
      ads = plaintextAds + " (plaintext ADS, as " + service + ")";
    } else if (bootstrap != null) {
      System.setProperty(BOOTSTRAP_FILE_PROPERTY, bootstrap.toString());
      ads = "the bootstrap " + bootstrap;
    } else {
      ads = "the bootstrap in $GRPC_XDS_BOOTSTRAP";
    }
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      out.println("calling " + PaymentsApi.SERVICE + "/" + method + " on " + target + " "
          + rate + " times a second through " + ads + "; Ctrl-C stops");
      new PaymentsLoop(channel, method, rate, merchants, out, Clock.systemDefaultZone())
          .run(Duration.ofSeconds(durationSeconds));
    } finally {
      channel.shutdownNow();
      // The interrupt that stopped the loop must not cut this wait short.
      boolean interrupted = Thread.interrupted();
      channel.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return CommandLine.ExitCode.OK;
  }

  /** What is wrong with the options, or null. */
  private String problem() {
    if (!PaymentsApi.METHODS.contains(method)) {
      return "--method must be one of " + PaymentsApi.METHODS + ", got " + method;
    }
    if (rate < 1 || rate > 1000) {
      return "--rate must be 1 to 1000, got " + rate;
    }
    if (merchants < 1) {
      return "--merchants must be at least 1, got " + merchants;
    }
    if (durationSeconds < 0) {
      return "--duration must be 0 (until Ctrl-C) or more, got " + durationSeconds;
    }
    if (plaintextAds != null && bootstrap != null) {
      return "give --plaintext-ads or --bootstrap, not both";
    }
    boolean fromEnvironment = false;
    for (String variable : BOOTSTRAP_ENV) {
      fromEnvironment |= environment.containsKey(variable);
    }
    if ((plaintextAds != null || bootstrap != null) && fromEnvironment) {
      // grpc-java would silently prefer the environment's bootstrap over the option.
      return "the environment sets " + String.join(" or ", BOOTSTRAP_ENV) + ", which grpc-java"
          + " prefers to --plaintext-ads and --bootstrap: unset it, or give neither option";
    }
    if (plaintextAds == null && bootstrap == null && !fromEnvironment) {
      return "no xDS bootstrap: give --plaintext-ads HOST:PORT or --bootstrap FILE, or set"
          + " GRPC_XDS_BOOTSTRAP";
    }
    if (bootstrap != null && !Files.isReadable(bootstrap)) {
      return "--bootstrap " + bootstrap + ": no such readable file";
    }
    if (plaintextAds != null && !plaintextAds.matches("[A-Za-z0-9.-]+:\\d{1,5}")) {
      return "--plaintext-ads must be HOST:PORT, got " + plaintextAds;
    }
    if (!service.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
      return "--service must be a Service name (lower-case letters, digits, -), got " + service;
    }
    return null;
  }
}
