package io.paymesh.xds.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.xds.translate.XdsNames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxyless xDS client of another gRPC implementation, as a process of its own: gRPC C-core
 * (Debian's python3-grpcio under /usr/bin/python3) or grpc-js with @grpc/grpc-js-xds (Node,
 * dependencies from {@code npm ci}). The programs are in {@code xds-server/src/test/clients}; this
 * fixture writes their xDS bootstrap, starts one, and drives RPCs through it with JSON lines on
 * its stdin/stdout. Its stderr goes to a log file whose tail is attached to every failure.
 *
 * <p>Neither implementation can present a certificate to the ADS server (their bootstraps accept
 * only {@code insecure} and {@code google_default} channel credentials), so they connect to an
 * xds-server's plaintext ADS port. Their calls use xDS channel credentials by default: a cluster's
 * UpstreamTlsContext is applied with the bootstrap's {@code paymesh-workload} certificate provider,
 * a {@code file_watcher} over the workload agent's files in {@link Builder#identityDir}.
 *
 * <pre>{@code
 * try (ExternalXdsClient client = ExternalXdsClient.cCore(adsPort, "checkout")
 *     .identityDir(workload.dir()).start()) {
 *   Result r = client.call("payments", PaymentsRpc.CHARGE.getFullMethodName(),
 *       Map.of("x-merchant-id", "m-1"), Duration.ofSeconds(5));
 * }
 * }</pre>
 */
public final class ExternalXdsClient implements AutoCloseable {
  /**
   * Where the client programs are: set by xds-server's surefire configuration to
   * {@code src/test/clients} of the module. Without it (an IDE run) the directory is looked for
   * above the working directory.
   */
  public static final String CLIENTS_DIR_PROPERTY = "paymesh.test.xdsClients";
  /** Exit code of either program when its gRPC library is not installed. */
  static final int EXIT_NOT_INSTALLED = 3;
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
  /** Added to the time a command's RPCs may take, for the process to answer. */
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(10);
  private static final int LOG_TAIL_CHARS = 8_000;
  /** The message of every RPC unless a test gives one, as XdsTestClient sends. */
  static final String DEFAULT_REQUEST = "order-1";
  private static final int MAX_LEVELS_UP = 5;
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Reader thread's marker that stdout ended. */
  private static final JsonNode EOF = JSON.createObjectNode();

  /** The gRPC implementations this fixture can run. */
  public enum Family {
    /** gRPC C-core 1.51 through Debian's python3-grpcio. */
    C_CORE("c-core"),
    /** grpc-js 1.14 with @grpc/grpc-js-xds 1.14, on Node. */
    GRPC_JS("grpc-js");

    private final String label;

    Family(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** Which channel credentials the program's channels use. */
  public enum Credentials {
    /** xDS credentials, insecure fallback: the cluster's TLS config applies (mTLS in the mesh). */
    XDS,
    /** Plaintext whatever the cluster says, as the grpc-java routing tests' clients. */
    INSECURE
  }

  /**
   * One RPC's outcome.
   *
   * @param code the gRPC status code name, e.g. {@code OK}, {@code UNAVAILABLE}
   * @param details the status message, empty when OK
   * @param reply the reply (the answering backend's name), null unless OK
   * @param elapsed from sending the call to its end, as measured in the client process
   */
  public record Result(String code, String details, String reply, Duration elapsed) {
    public boolean ok() {
      return "OK".equals(code);
    }
  }

  private final Family family;
  private final String nodeId;
  private final Process process;
  private final Writer stdin;
  private final Path log;
  private final Path bootstrap;
  private final Optional<Path> ownedDir;
  private final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
  private final AtomicInteger commandIds = new AtomicInteger();
  private boolean closed;

  private ExternalXdsClient(Family family, String nodeId, Process process, Path log,
      Path bootstrap, Optional<Path> ownedDir) {
    this.family = family;
    this.nodeId = nodeId;
    this.process = process;
    this.stdin = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.log = log;
    this.bootstrap = bootstrap;
    this.ownedDir = ownedDir;
    Thread reader = new Thread(this::readAnswers, "external-xds-client-" + nodeId);
    reader.setDaemon(true);
    reader.start();
  }

  /** A gRPC C-core client of {@code service}, on the xds-server's plaintext ADS port. */
  public static Builder cCore(int plaintextAdsPort, String service) {
    return new Builder(Family.C_CORE, plaintextAdsPort, service);
  }

  /** A grpc-js (grpc-js-xds) client of {@code service}, on the plaintext ADS port. */
  public static Builder grpcJs(int plaintextAdsPort, String service) {
    return new Builder(Family.GRPC_JS, plaintextAdsPort, service);
  }

  public static Builder of(Family family, int plaintextAdsPort, String service) {
    return new Builder(family, plaintextAdsPort, service);
  }

  /** How to start a client; {@link #start()} starts it and waits until it answers. */
  public static final class Builder {
    private final Family family;
    private final int adsPort;
    private final String service;
    private Path identityDir = Path.of(XdsNames.IDENTITY_DIR);
    private Credentials credentials = Credentials.XDS;
    private Optional<Path> clientsDir = Optional.empty();
    private Path python = Path.of("/usr/bin/python3");
    private String node = "node";
    private Optional<Path> workDir = Optional.empty();
    private final Map<String, String> environment = new LinkedHashMap<>();

    private Builder(Family family, int adsPort, String service) {
      this.family = Objects.requireNonNull(family, "family");
      this.adsPort = adsPort;
      this.service = Objects.requireNonNull(service, "service");
    }

    /** The workload agent's directory the data plane's certificate provider reads. */
    public Builder identityDir(Path dir) {
      this.identityDir = Objects.requireNonNull(dir, "dir");
      return this;
    }

    public Builder credentials(Credentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** The directory holding {@code python/} and {@code node/}; default: see the property. */
    public Builder clientsDir(Path dir) {
      this.clientsDir = Optional.of(dir);
      return this;
    }

    /** The Python interpreter of the C-core client (default /usr/bin/python3, Debian's). */
    public Builder python(Path interpreter) {
      this.python = Objects.requireNonNull(interpreter, "interpreter");
      return this;
    }

    /** Where the bootstrap and the log go; default a temporary directory deleted at close. */
    public Builder workDir(Path dir) {
      this.workDir = Optional.of(dir);
      return this;
    }

    /** An environment variable of the process, e.g. GRPC_TRACE for more logging. */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    /**
     * Starts the process and waits (at most {@link ExternalXdsClient#START_TIMEOUT}) until it
     * answers; fails with how to install the client when it is not installed.
     */
    public ExternalXdsClient start() throws IOException, InterruptedException {
      Path dir = clientsDir.orElseGet(ExternalXdsClient::defaultClientsDir);
      List<String> command = command(dir);
      String nodeId = service + "~" + family.label() + "-" + INSTANCES.incrementAndGet();
      Optional<Path> owned = workDir.isPresent()
          ? Optional.empty()
          : Optional.of(Files.createTempDirectory("paymesh-xds-client-"));
      Path work = workDir.orElseGet(owned::get);
      Files.createDirectories(work);
      Path bootstrap = work.resolve(nodeId.replace('~', '-') + "-bootstrap.json");
      Files.writeString(bootstrap, JSON.writerWithDefaultPrettyPrinter()
          .writeValueAsString(bootstrap(nodeId)));
      Path log = work.resolve(nodeId.replace('~', '-') + ".log");
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(dir.resolve(family == Family.C_CORE ? "python" : "node").toFile())
          .redirectError(log.toFile());
      builder.environment().put("GRPC_XDS_BOOTSTRAP", bootstrap.toString());
      builder.environment().putAll(environment);
      ExternalXdsClient client = new ExternalXdsClient(
          family, nodeId, builder.start(), log, bootstrap, owned);
      try {
        client.awaitReady(dir);
      } catch (RuntimeException | Error e) {
        client.close();
        throw e;
      }
      return client;
    }

    private List<String> command(Path dir) {
      String credentialsArg = credentials.name().toLowerCase(java.util.Locale.ROOT);
      switch (family) {
        case C_CORE -> {
          Path script = dir.resolve("python").resolve("xds_client.py");
          requireFile(script);
          if (!Files.isExecutable(python)) {
            throw new AssertionError("the gRPC C-core test client needs " + python
                + ", which is missing: " + installHint(Family.C_CORE, dir));
          }
          return List.of(python.toString(), script.toString(), "--credentials", credentialsArg);
        }
        case GRPC_JS -> {
          Path nodeDir = dir.resolve("node");
          requireFile(nodeDir.resolve("xds_client.js"));
          if (!Files.isDirectory(nodeDir.resolve("node_modules/@grpc/grpc-js-xds"))) {
            throw new AssertionError("the grpc-js test client's dependencies are not installed in "
                + nodeDir.resolve("node_modules") + ": " + installHint(Family.GRPC_JS, dir));
          }
          return List.of(node, nodeDir.resolve("xds_client.js").toString(),
              "--credentials", credentialsArg);
        }
        default -> throw new AssertionError("unknown family " + family);
      }
    }

    private void requireFile(Path file) {
      if (!Files.isRegularFile(file)) {
        throw new AssertionError("no test client program at " + file + " (set -D"
            + CLIENTS_DIR_PROPERTY + " to xds-server/src/test/clients; xds-server's pom does)");
      }
    }

    /**
     * The bootstrap: the plaintext ADS server, the node ({@code <service>~<family>-<n>}, cluster
     * the service) and the certificate provider instance the proxyless clusters name.
     */
    private Map<String, Object> bootstrap(String nodeId) {
      Map<String, String> files = Map.of(
          "certificate_file", identityDir.resolve(XdsNames.IDENTITY_CERT_FILE).toString(),
          "private_key_file", identityDir.resolve(XdsNames.IDENTITY_KEY_FILE).toString(),
          "ca_certificate_file", identityDir.resolve(XdsNames.IDENTITY_BUNDLE_FILE).toString(),
          "refresh_interval", WorkloadBootstrap.REFRESH_INTERVAL);
      return Map.of(
          "xds_servers", List.of(Map.of(
              "server_uri", "127.0.0.1:" + adsPort,
              "channel_creds", List.of(Map.of("type", "insecure")),
              "server_features", List.of("xds_v3"))),
          // grpc-js-xds 1.14 refuses a bootstrap whose node has no locality ("locality field
          // missing in node element"); an empty one is enough.
          "node", Map.of("id", nodeId, "cluster", service, "locality", Map.of()),
          "certificate_providers", Map.of(XdsNames.CERTIFICATE_PROVIDER_INSTANCE,
              Map.of("plugin_name", "file_watcher", "config", files)));
    }
  }

  /** What to run to install {@code family}'s client. */
  static String installHint(Family family, Path clientsDir) {
    return switch (family) {
      case C_CORE -> "install Debian's python3-grpcio (apt-get install python3-grpcio, which "
          + "scripts/test does) so that /usr/bin/python3 -c 'import grpc' works";
      case GRPC_JS -> "install Node.js and npm (Debian: apt-get install nodejs npm) and run "
          + "'npm ci' in " + clientsDir.resolve("node") + " (scripts/test does both)";
    };
  }

  /** {@code -Dpaymesh.test.xdsClients}, else {@code xds-server/src/test/clients} above here. */
  static Path defaultClientsDir() {
    String property = System.getProperty(CLIENTS_DIR_PROPERTY);
    if (property != null) {
      return Path.of(property);
    }
    Path dir = Path.of("").toAbsolutePath();
    for (int level = 0; level <= MAX_LEVELS_UP && dir != null; level++) {
      Path candidate = dir.resolve("xds-server/src/test/clients");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      if (dir.getFileName() != null && dir.getFileName().toString().equals("xds-server")
          && Files.isDirectory(dir.resolve("src/test/clients"))) {
        return dir.resolve("src/test/clients");
      }
      dir = dir.getParent();
    }
    throw new AssertionError("no xds-server/src/test/clients above " + Path.of("").toAbsolutePath()
        + "; set -D" + CLIENTS_DIR_PROPERTY + " to that directory");
  }

  private void awaitReady(Path clientsDir) throws InterruptedException {
    JsonNode answer = send(JSON.createObjectNode().put("op", "ping"), START_TIMEOUT);
    if (answer == null) {
      if (!process.isAlive() && process.exitValue() == EXIT_NOT_INSTALLED) {
        throw failure("the " + family.label() + " test client is not installed: "
            + installHint(family, clientsDir));
      }
      throw failure("the " + family.label() + " test client did not answer within "
          + START_TIMEOUT);
    }
  }

  public Family family() {
    return family;
  }

  /** The node id this client sends, e.g. {@code checkout~c-core-3}. */
  public String nodeId() {
    return nodeId;
  }

  /** False once the process has exited (crashed, or closed). */
  public boolean isAlive() {
    return process.isAlive();
  }

  public Path bootstrapFile() {
    return bootstrap;
  }

  public Path logFile() {
    return log;
  }

  /** One unary RPC to {@code xds:///host}; never throws for a failed RPC, only its status. */
  public Result call(String host, String fullMethodName, Map<String, String> metadata,
      Duration deadline) {
    return calls(host, fullMethodName, metadata, deadline, 1, false).get(0);
  }

  /**
   * {@code count} unary RPCs to {@code xds:///host}, one after the other or, with
   * {@code parallel}, all at once. Waits at most the RPCs' deadlines plus a margin.
   */
  public List<Result> calls(String host, String fullMethodName, Map<String, String> metadata,
      Duration deadline, int count, boolean parallel) {
    return calls(host, fullMethodName, metadata, deadline, count, parallel, DEFAULT_REQUEST);
  }

  /** Like the other {@code calls}, every RPC sending {@code request} (UTF-8) as its message. */
  public List<Result> calls(String host, String fullMethodName, Map<String, String> metadata,
      Duration deadline, int count, boolean parallel, String request) {
    return calls(host, fullMethodName, metadata, deadline, count, parallel, request,
        Duration.ZERO);
  }

  /**
   * Like the other {@code calls}; with {@code parallel}, each RPC starts {@code spacing} after
   * the previous one, so earlier ones are in flight (e.g. to see a circuit breaker trip).
   */
  public List<Result> calls(String host, String fullMethodName, Map<String, String> metadata,
      Duration deadline, int count, boolean parallel, String request, Duration spacing) {
    ObjectNode command = JSON.createObjectNode()
        .put("op", "call")
        .put("host", host)
        .put("method", fullMethodName)
        .put("request", request)
        .put("deadlineMs", deadline.toMillis())
        .put("count", count)
        .put("parallel", parallel)
        .put("spacingMs", spacing.toMillis());
    ObjectNode headers = command.putObject("metadata");
    metadata.forEach(headers::put);
    Duration wait = (parallel ? deadline.plus(spacing.multipliedBy(count))
        : deadline.multipliedBy(count)).plus(ANSWER_MARGIN);
    JsonNode answer;
    try {
      answer = send(command, wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted while waiting for an answer");
    }
    if (answer == null) {
      throw failure("no answer to " + command + " within " + wait);
    }
    if (!answer.path("ok").asBoolean()) {
      throw failure("command " + command + " failed: " + answer.path("error").asText());
    }
    List<Result> results = new ArrayList<>();
    for (JsonNode r : answer.path("results")) {
      results.add(new Result(
          r.path("code").asText(),
          r.path("details").asText(),
          r.path("reply").isNull() ? null : r.path("reply").asText(),
          Duration.ofNanos((long) (r.path("elapsedMs").asDouble() * 1_000_000))));
    }
    return results;
  }

  /** The reply of one call, or null when it failed: for {@code await().until(...)}. */
  public String tryReply(String host, String fullMethodName) {
    Result result = call(host, fullMethodName, Map.of(), Duration.ofSeconds(5));
    return result.ok() ? result.reply() : null;
  }

  /** Writes one command and waits at most {@code wait} for its answer; null when none came. */
  private synchronized JsonNode send(ObjectNode command, Duration wait)
      throws InterruptedException {
    if (closed) {
      throw new IllegalStateException(nodeId + " is closed");
    }
    int id = commandIds.incrementAndGet();
    command.put("id", id);
    try {
      stdin.write(JSON.writeValueAsString(command));
      stdin.write('\n');
      stdin.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    } catch (IOException e) {
      // The process is gone; its log says why.
      process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode answer = left > 0 ? answers.poll(left, TimeUnit.NANOSECONDS) : null;
      if (answer == null || answer == EOF) {
        if (answer == EOF) {
          answers.add(EOF);
          process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        return null;
      }
      if (answer.path("id").asInt() == id) {
        return answer;
      }
      // An answer to an earlier command that timed out: dropped.
    }
  }

  private void readAnswers() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        try {
          answers.add(JSON.readTree(line));
        } catch (JsonProcessingException e) {
          answers.add(JSON.createObjectNode().put("ok", false).put("error", "not JSON: " + line));
        }
      }
    } catch (IOException e) {
      // The process was killed: end of its answers.
    } finally {
      answers.add(EOF);
    }
  }

  /** The last part of the process's stderr. */
  public String logTail() {
    try {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      return text.length() <= LOG_TAIL_CHARS ? text
          : "..." + text.substring(text.length() - LOG_TAIL_CHARS);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  private AssertionError failure(String message) {
    String state = process.isAlive() ? "running" : "exited with " + process.exitValue();
    return new AssertionError(family.label() + " client " + nodeId + " (" + state + "): "
        + message + "\n--- its stderr (" + log + ") ---\n" + logTail());
  }

  /**
   * Closes stdin so the program exits cleanly, waits {@link #STOP_TIMEOUT}, then kills it (and
   * anything it started). Closing twice is harmless.
   */
  @Override
  public synchronized void close() throws InterruptedException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stdin.close();
    } catch (IOException e) {
      // Already gone.
    }
    if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    ownedDir.ifPresent(ExternalXdsClient::deleteQuietly);
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory; the OS cleans it eventually.
    }
  }

  @Override
  public String toString() {
    return family.label() + " " + nodeId;
  }
}
