package io.paymesh.xds.testing;

import com.codahale.metrics.MetricRegistry;
import io.etcd.jetcd.Client;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.IdentityService;
import io.paymesh.xds.identity.PeerIdentity;
import io.paymesh.xds.identity.ServerCertificate;
import io.paymesh.xds.identity.TlsMaterial;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One replica of the identity API for tests: an {@link IdentityService} on loopback over TLS as
 * the xds-server serves it (server certificate from the CA, client certificates optional and
 * verified against the trust bundle, the caller's SPIFFE ID in the call context), backed by its
 * own etcd client.
 */
public final class IdentityServer implements AutoCloseable {
  public static final String TRUST_DOMAIN = "paymesh.local";
  public static final String SERVER_ID = "spiffe://paymesh.local/xds-server";
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);

  private final Server server;
  private final MetricRegistry metrics;

  private IdentityServer(Server server, MetricRegistry metrics) {
    this.server = server;
    this.metrics = metrics;
  }

  /**
   * @param tokensClock decides join token expiry (a test may move it independently of the CA's)
   * @param caClock stamps certificates and revocations
   */
  public static IdentityServer start(CertificateAuthority ca, Client etcd, String prefix,
      Supplier<PolicySnapshot> policy, Duration workloadLifetime, Clock tokensClock,
      Clock caClock) throws IOException {
    ServerCertificate certificate = ca.issueServerCertificate(SERVER_ID,
        List.of("localhost", "127.0.0.1"), Duration.ofHours(1));
    TlsServerCredentials credentials = (TlsServerCredentials) TlsServerCredentials.newBuilder()
        .keyManager(certificate.keyManager())
        .trustManager(TlsMaterial.trustManager(ca.trustBundle()))
        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
        .build();
    MetricRegistry metrics = new MetricRegistry();
    IdentityService service = new IdentityService(ca,
        new JoinTokens(etcd, prefix, ETCD_TIMEOUT, tokensClock),
        new IdentityRevocations(etcd, prefix, ETCD_TIMEOUT, caClock), policy, TRUST_DOMAIN,
        workloadLifetime,
        metrics);
    Server server = NettyServerBuilder
        .forAddress(new InetSocketAddress("127.0.0.1", 0), credentials)
        .addService(ServerInterceptors.intercept(service, PeerIdentity.interceptor()))
        .build()
        .start();
    return new IdentityServer(server, metrics);
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public MetricRegistry metrics() {
    return metrics;
  }

  /** The count of one of the service's counters, e.g. {@code identity.sign.issued.enrolment}. */
  public long count(String counter) {
    return metrics.counter(counter).getCount();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
