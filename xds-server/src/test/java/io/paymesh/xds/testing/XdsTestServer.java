package io.paymesh.xds.testing;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

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
  private final Set<BigInteger> callerSerials;

  private XdsTestServer(
      String name, Server server, AtomicInteger calls, Set<BigInteger> callerSerials) {
    this.name = name;
    this.server = server;
    this.calls = calls;
    this.callerSerials = callerSerials;
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
    return start(name, port, bootstrap, Optional.empty());
  }

  /**
   * With {@code maxConnectionAge}, every connection is closed (gracefully) after that long, so
   * callers handshake again and again: each handshake shows the certificates of that moment.
   */
  public static XdsTestServer start(String name, int port, Map<String, ?> bootstrap,
      Optional<Duration> maxConnectionAge) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    Set<BigInteger> callerSerials = ConcurrentHashMap.newKeySet();
    XdsServerBuilder builder =
        XdsServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", port),
                XdsServerCredentials.create(InsecureServerCredentials.create()))
            .overrideBootstrapForTest(bootstrap)
            .addService(ServerInterceptors.intercept(
                TestBackend.paymentsService(name, calls), recordCaller(callerSerials)));
    maxConnectionAge.ifPresent(age -> builder
        .maxConnectionAge(age.toMillis(), TimeUnit.MILLISECONDS)
        .maxConnectionAgeGrace(age.toMillis(), TimeUnit.MILLISECONDS));
    Server server = builder.build();
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
    return new XdsTestServer(name, server, calls, callerSerials);
  }

  /** Records the serial number of each caller's TLS certificate. */
  private static ServerInterceptor recordCaller(Set<BigInteger> serials) {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session != null) {
          try {
            serials.add(((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber());
          } catch (SSLPeerUnverifiedException e) {
            // No client certificate: nothing to record; the listener's RBAC decides.
          }
        }
        return next.startCall(call, headers);
      }
    };
  }

  /** The serial numbers of the client certificates callers have presented so far. */
  public Set<BigInteger> callerSerials() {
    return Set.copyOf(callerSerials);
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
