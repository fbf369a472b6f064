package io.paymesh.xds.testing;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real proxyless grpc-java xDS server ({@code XdsServerBuilder}) on loopback: it asks the
 * xds-server for its gRFC A36 server listener and applies what comes back, mTLS with the agent's
 * certificate and the RBAC of the service's AuthorizationPolicies, to every call it accepts.
 * It answers the payments API with its own name.
 */
public final class XdsTestServer implements AutoCloseable {
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private final String name;
  private final Server server;
  private final AtomicInteger calls;

  private XdsTestServer(String name, Server server, AtomicInteger calls) {
    this.name = name;
    this.server = server;
    this.calls = calls;
  }

  /** A free loopback port, for a Service whose port must be known before its server starts. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts serving on 127.0.0.1:{@code port} once the xds-server has sent the listener; the
   * fallback credentials are plaintext only for a listener that carries no TLS, which paymesh
   * never sends.
   */
  public static XdsTestServer start(
      String name, int port, int adsPort, String service, Path identityDir) throws Exception {
    return start(name, port, WorkloadBootstrap.of(adsPort, service, name, identityDir));
  }

  /**
   * Like {@link #start(String, int, int, String, Path)} with a bootstrap of the caller's. The
   * server starts serving only once it has its listener; a test waits for that at most
   * {@link #START_TIMEOUT}.
   */
  public static XdsTestServer start(String name, int port, Map<String, ?> bootstrap)
      throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Server server =
        XdsServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port),
                XdsServerCredentials.create(InsecureServerCredentials.create()))
            .overrideBootstrapForTest(bootstrap)
            .addService(TestBackend.paymentsService(name, calls))
            .build();
    CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
      try {
        server.start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      server.shutdownNow();
      throw new AssertionError(name + " got no listener from the xds-server in " + START_TIMEOUT);
    }
    return new XdsTestServer(name, server, calls);
  }

  public String name() {
    return name;
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
