package io.paymesh.config.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.paymesh.config.store.EtcdSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real single-node etcd (/usr/bin/etcd) on free loopback ports for a test class, so store,
 * xDS and admin tests exercise the real watch/lease/transaction semantics. Register it as
 * {@code @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();}.
 *
 * <p>{@link #stop()} and {@link #start()} restart the same member (same ports, same data dir), which
 * is what a client sees when etcd is restarted in production.
 *
 * <p>{@link #withClientCertificates()} runs it as production should: https only, with {@code
 * --client-cert-auth} and certificates from an {@link EtcdTestPki} made for the test class. Its
 * own {@link #client()} then presents a certificate for the user {@code root}, so it keeps full
 * access after a test enables etcd authentication.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {
  /** etcd binary; overridable for machines where it lives elsewhere. */
  public static final String ETCD_BINARY_PROPERTY = "paymesh.test.etcd";
  private static final String DEFAULT_BINARY = "/usr/bin/etcd";
  private static final String LOOPBACK = "127.0.0.1";
  private static final String MEMBER_NAME = "paymesh-test";
  private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(20);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Path LOG_DIR = Path.of("target", "etcd-logs");
  /** The user etcd's authentication requires first; this extension's own client acts as it. */
  public static final String ROOT_USER = "root";

  private final boolean clientCertificates;
  private EtcdTestPki pki;

  private HttpClient http;
  private int clientPort;
  private int peerPort;
  private Path dataDir;
  private Path logFile;
  private Process process;
  private Client client;

  /** Plaintext etcd without authentication, as in local development. */
  public EtcdExtension() {
    this(false);
  }

  private EtcdExtension(boolean clientCertificates) {
    this.clientCertificates = clientCertificates;
  }

  /** etcd on https, requiring a client certificate signed by {@link #pki()}. */
  public static EtcdExtension withClientCertificates() {
    return new EtcdExtension(true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    int[] ports = LoopbackPorts.distinct(2);
    clientPort = ports[0];
    peerPort = ports[1];
    dataDir = Files.createTempDirectory("paymesh-etcd-");
    Files.createDirectories(LOG_DIR);
    logFile = LOG_DIR.resolve(context.getRequiredTestClass().getSimpleName() + "-etcd.log");
    Files.deleteIfExists(logFile);
    if (clientCertificates) {
      pki = EtcdTestPki.create(dataDir.resolveSibling(dataDir.getFileName() + "-pki"));
    }
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (client != null) {
        client.close();
        client = null;
      }
    } finally {
      if (process != null) {
        process.destroyForcibly();
        process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        process = null;
      }
      deleteRecursively(dataDir);
      if (pki != null) {
        deleteRecursively(pki.caFile().getParent());
      }
    }
  }

  /** The client URL, e.g. {@code http://127.0.0.1:41234} (https with client certificates). */
  public String endpoint() {
    requireConfigured();
    return (clientCertificates ? "https://" : "http://") + LOOPBACK + ":" + clientPort;
  }

  /** The certificates of an etcd {@link #withClientCertificates()}. */
  public EtcdTestPki pki() {
    requireConfigured();
    if (pki == null) {
      throw new IllegalStateException("this etcd runs without TLS; see withClientCertificates()");
    }
    return pki;
  }

  /**
   * Settings for a client of this etcd under the default prefix; with client certificates, one
   * whose certificate's common name is {@code user} (etcd's user when no password is given).
   */
  public EtcdSettings settings(String user) {
    EtcdSettings plain = EtcdSettings.of(endpoint());
    return clientCertificates ? plain.withTls(pki().client(user)) : plain;
  }

  /** A shared client for this etcd; it survives {@link #stop()}/{@link #start()} and is closed at afterAll. */
  public synchronized Client client() {
    requireConfigured();
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A fresh client the caller owns and must close. */
  public Client newClient() {
    return clientCertificates ? settings(ROOT_USER).newClient()
        : Client.builder().endpoints(endpoint()).build();
  }

  /** Starts (or restarts) etcd on the same ports and data dir and waits until it reports healthy. */
  public synchronized void start() throws IOException, InterruptedException {
    requireConfigured();
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("etcd is already running at " + endpoint());
    }
    String clientUrl = endpoint();
    String peerUrl = "http://" + LOOPBACK + ":" + peerPort;
    List<String> command = new ArrayList<>(
        List.of(
            System.getProperty(ETCD_BINARY_PROPERTY, DEFAULT_BINARY),
            "--name=" + MEMBER_NAME,
            "--data-dir=" + dataDir,
            "--listen-client-urls=" + clientUrl,
            "--advertise-client-urls=" + clientUrl,
            "--listen-peer-urls=" + peerUrl,
            "--initial-advertise-peer-urls=" + peerUrl,
            "--initial-cluster=" + MEMBER_NAME + "=" + peerUrl,
            // A single member elects itself within a few heartbeats: healthy in well under 1s.
            "--heartbeat-interval=10",
            "--election-timeout=100",
            "--logger=zap",
            "--log-outputs=stderr"));
    if (clientCertificates) {
      command.addAll(List.of(
          "--cert-file=" + pki.serverCertificateFile(),
          "--key-file=" + pki.serverKeyFile(),
          "--trusted-ca-file=" + pki.caFile(),
          "--client-cert-auth"));
    }
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    awaitHealthy();
  }

  /** Stops etcd gracefully (SIGTERM), keeping its data dir for a later {@link #start()}. */
  public synchronized void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    process = null;
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Compacts the key history up to the current revision, which is returned. */
  public long compact() throws ExecutionException, InterruptedException, TimeoutException {
    Client c = client();
    long revision = currentRevision();
    c.getKVClient()
        .compact(revision, CompactOption.newBuilder().withCompactPhysical(true).build())
        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    return revision;
  }

  /** The store's current revision (the header revision of a read). */
  public long currentRevision() throws ExecutionException, InterruptedException, TimeoutException {
    return client()
        .getKVClient()
        .get(ByteSequence.from(new byte[] {0}))
        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .getHeader()
        .getRevision();
  }

  /** Deletes every key under {@code prefix}; use between tests that share this etcd. */
  public void deletePrefix(String prefix)
      throws ExecutionException, InterruptedException, TimeoutException {
    ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    client()
        .getKVClient()
        .delete(key, DeleteOption.builder().isPrefix(true).build())
        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Deletes every key in the store. */
  public void deleteAll() throws ExecutionException, InterruptedException, TimeoutException {
    // key "\0" with range end "\0" is etcd's way of saying "all keys".
    ByteSequence all = ByteSequence.from(new byte[] {0});
    client()
        .getKVClient()
        .delete(all, DeleteOption.builder().withRange(all).build())
        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Where this etcd's output goes, to read when a test fails. */
  public Path logFile() {
    return logFile;
  }

  private void awaitHealthy() throws InterruptedException, IOException {
    if (http == null) {
      HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1));
      if (clientCertificates) {
        builder.sslContext(EtcdTestPki.sslContext(pki, ROOT_USER));
      }
      http = builder.build();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(endpoint() + "/health"))
            .timeout(Duration.ofSeconds(1))
            .GET()
            .build();
    long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "etcd exited with " + process.exitValue() + ", see " + logFile.toAbsolutePath());
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200 && response.body().contains("\"health\":\"true\"")) {
          return;
        }
      } catch (IOException notYetListening) {
        // expected while etcd is starting; polled again below
      }
      // Pausing by waiting on the process itself: returns early if etcd dies while starting.
      process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "etcd not healthy within " + HEALTHY_TIMEOUT + ", see " + logFile.toAbsolutePath());
  }

  private void requireConfigured() {
    if (dataDir == null) {
      throw new IllegalStateException(
          "EtcdExtension not started: register it with @RegisterExtension on a static field");
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(EtcdExtension::deleteQuietly);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + path, e);
    }
  }
}
