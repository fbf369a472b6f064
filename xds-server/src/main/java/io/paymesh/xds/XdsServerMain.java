package io.paymesh.xds;

import com.codahale.metrics.jmx.JmxReporter;
import io.etcd.jetcd.Client;
import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.InvalidCaException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one xds-server replica from a YAML config file until the process is stopped. */
public final class XdsServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(XdsServerMain.class);

  static final int EXIT_OK = 0;
  static final int EXIT_USAGE = 2;
  static final String USAGE = "usage: java -jar xds-server.jar <config.yaml>";

  private XdsServerMain() {}

  /** What the command line asks for: serve with a configuration, or exit with a code. */
  sealed interface Start {
    record Serve(XdsServerConfig config) implements Start {}

    record Exit(int code) implements Start {}
  }

  /**
   * Reads the command line: {@code --help} prints the usage, a missing, unreadable or invalid
   * configuration is one line on stderr (no stack trace), else the configuration to serve.
   */
  static Start start(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.println(USAGE);
      out.println("Runs one xds-server replica: ADS (mTLS) and the workload identity API,"
          + " policy from etcd. The configuration is described in docs/xds-server.md;"
          + " an example is xds-server/xds-server.yaml.");
      return new Start.Exit(EXIT_OK);
    }
    if (args.length != 1 || args[0].startsWith("-")) {
      err.println(USAGE + " (or --help)");
      return new Start.Exit(EXIT_USAGE);
    }
    try {
      return new Start.Serve(XdsServerConfig.load(Path.of(args[0])));
    } catch (IllegalArgumentException e) {
      err.println("invalid configuration: " + e.getMessage());
    } catch (IOException e) {
      err.println("cannot read the configuration " + args[0] + ": "
          + (e instanceof NoSuchFileException || e instanceof FileNotFoundException
              ? "no such file" : e.getMessage()));
    }
    return new Start.Exit(EXIT_USAGE);
  }

  public static void main(String[] args) throws Exception {
    Start start = start(args, System.out, System.err);
    if (start instanceof Start.Exit exit) {
      System.exit(exit.code());
      return;
    }
    XdsServerConfig config = ((Start.Serve) start).config();
    XdsServerConfig.Identity identity = config.identity();
    Client etcd = config.etcd().newClient();
    // The policy is read while the CA loads and the ports start (the longest part of a start).
    XdsServer.Builder builder = XdsServer.builder(etcd)
        .prefix(config.etcd().prefix())
        .coalesceWindow(config.coalesceWindowDuration())
        .replicaId(config.replicaIdOrDefault())
        .buildSidecarsAhead(config.buildSidecarsAheadOrDefault())
        .startReadingPolicy();
    CertificateAuthority ca;
    try {
      ca = CertificateAuthority.load(Path.of(identity.caCertificate()), Path.of(identity.caKey()),
          identity.trustBundle().stream().map(Path::of).toList(), Clock.systemUTC());
    } catch (InvalidCaException e) {
      System.err.println("invalid CA: " + e.getMessage());
      System.exit(2);
      return;
    }
    builder.secureAds(new InetSocketAddress(config.ads().host(), config.ads().port()), ca,
        identity.settings());
    if (config.plaintextAds() != null) {
      builder.plaintextAds(
          new InetSocketAddress(config.plaintextAds().host(), config.plaintextAds().port()));
    }
    if (config.metrics() != null) {
      builder.metrics(
          new InetSocketAddress(config.metrics().hostOrDefault(), config.metrics().port()));
    }
    XdsServer server = builder.start();
    LOG.info("paymesh xds-server {}: ADS (mTLS) and workload identity on {}:{}, policy from {} "
            + "under {}", server.replicaId(), config.ads().host(), server.adsPort(),
        config.etcd().describe(), config.etcd().prefix());
    if (config.metrics() != null) {
      LOG.info("Prometheus metrics on http://{}:{}/metrics", config.metrics().hostOrDefault(),
          server.metricsPort());
    }
    JmxReporter jmx = JmxMetrics.export(server.metrics());

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      jmx.close();
      try {
        server.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        etcd.close();
        stopped.countDown();
      }
    }, "paymesh-shutdown"));
    stopped.await();
  }
}
