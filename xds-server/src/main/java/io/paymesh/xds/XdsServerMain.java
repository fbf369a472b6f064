package io.paymesh.xds;

import com.codahale.metrics.jmx.JmxReporter;
import io.etcd.jetcd.Client;
import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.InvalidCaException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one xds-server replica from a YAML config file until the process is stopped. */
public final class XdsServerMain {
  private static final Logger LOG = LoggerFactory.getLogger(XdsServerMain.class);

  private XdsServerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: java -jar xds-server.jar <config.yaml>");
      System.exit(2);
    }
    XdsServerConfig config;
    try {
      config = XdsServerConfig.load(Path.of(args[0]));
    } catch (IllegalArgumentException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    XdsServerConfig.Identity identity = config.identity();
    CertificateAuthority ca;
    try {
      ca = CertificateAuthority.load(Path.of(identity.caCertificate()), Path.of(identity.caKey()),
          identity.trustBundle().stream().map(Path::of).toList(), Clock.systemUTC());
    } catch (InvalidCaException e) {
      System.err.println("invalid CA: " + e.getMessage());
      System.exit(2);
      return;
    }
    Client etcd = config.etcd().newClient();
    XdsServer.Builder builder = XdsServer.builder(etcd)
        .prefix(config.etcd().prefix())
        .coalesceWindow(config.coalesceWindowDuration())
        .replicaId(config.replicaIdOrDefault())
        .secureAds(new InetSocketAddress(config.ads().host(), config.ads().port()), ca,
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
