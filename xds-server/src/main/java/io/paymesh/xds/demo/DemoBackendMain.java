package io.paymesh.xds.demo;

import io.etcd.jetcd.Client;
import io.paymesh.config.store.EtcdSettings;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line of {@link DemoBackend}, started twice by {@code scripts/run} (as payments-v1 and
 * payments-v2). Runs until SIGTERM or SIGINT, then revokes its registration. Not for
 * production: plaintext gRPC, and etcd without TLS.
 */
@Command(name = "paymesh-demo-backend", mixinStandardHelpOptions = true,
    description = "Serves payments.v1.Payments (Charge, Refund, GetPayment) on 127.0.0.1, "
        + "answering with --name and printing one line per call, and registers itself in etcd "
        + "as an instance of --service under a lease while it runs.")
public final class DemoBackendMain implements Callable<Integer> {
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  @Option(names = "--service", required = true, paramLabel = "SERVICE",
      description = "the policy Service this instance belongs to, e.g. payments-v1")
  String service;

  @Option(names = "--name", paramLabel = "NAME",
      description = "what every reply says, and the instance id (default: <service>-demo)")
  String name;

  @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
      description = "port on 127.0.0.1 (default: any free port, printed at start)")
  int port;

  @Option(names = "--etcd", defaultValue = "http://127.0.0.1:2379", paramLabel = "URL",
      description = "etcd to register in (default: ${DEFAULT-VALUE})")
  String etcd;

  @Option(names = "--prefix", defaultValue = EtcdSettings.DEFAULT_PREFIX, paramLabel = "PREFIX",
      description = "paymesh key prefix (default: ${DEFAULT-VALUE})")
  String prefix;

  @Option(names = "--ttl", defaultValue = "10", paramLabel = "SECONDS",
      description = "lease TTL of the registration: how long a killed backend stays in the "
          + "mesh (default: ${DEFAULT-VALUE})")
  long ttlSeconds;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DemoBackendMain()).execute(args));
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (ttlSeconds < 1) {
      System.err.println("--ttl must be at least 1 second");
      return CommandLine.ExitCode.USAGE;
    }
    String instance = name != null ? name : service + "-demo";
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // The JVM halts once its shutdown hooks return: the hook waits until the lease is revoked.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.countDown();
      awaitQuietly(closed, CLOSE_TIMEOUT);
    }, "demo-backend-stop"));
    try (Client client = new EtcdSettings(List.of(etcd), prefix).newClient();
        DemoBackend backend = DemoBackend.start(client, prefix, service, instance, port,
            Duration.ofSeconds(ttlSeconds), System.out)) {
      System.out.println(instance + ": serving " + DemoBackend.PAYMENTS_SERVICE + " on 127.0.0.1:"
          + backend.port() + ", registered as " + backend.key());
      stopping.await();
    } finally {
      closed.countDown();
    }
    return CommandLine.ExitCode.OK;
  }

  private static void awaitQuietly(CountDownLatch latch, Duration timeout) {
    try {
      latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
