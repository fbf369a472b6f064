package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC endpoint proxies connect to: ADS in both variants (state of the world and delta) plus
 * gRPC health, and on the mTLS port the workload identity API. Every ADS stream, of either
 * variant, goes through the authentication, request limits and NACK handling of
 * {@link AdsStreamInterceptor}.
 */
public final class AdsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsServer.class);
  /** Envoy's recommended ADS keepalive is 30s; allow clients to ping that often. */
  private static final long PERMIT_KEEPALIVE_SECONDS = 10;
  private static final long KEEPALIVE_SECONDS = 30;
  private static final int MAX_INBOUND_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Server server;
  private final HealthStatusManager health = new HealthStatusManager();

  /**
   * @param credentials TLS (client certificates verified against the mesh's trust bundle) or,
   *     for an explicitly configured plaintext port, insecure
   * @param services more services on the same port, such as the workload identity API
   */
  public AdsServer(
      InetSocketAddress address,
      ServerCredentials credentials,
      V3DiscoveryServer discovery,
      AdsStreamInterceptor interceptor,
      List<ServerServiceDefinition> services) {
    // HealthStatusManager starts out SERVING; a replica without a policy yet must not be picked
    // by a load balancer or a readiness probe, so it says NOT_SERVING until markServing.
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.NOT_SERVING);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address, credentials)
            .addService(ServerInterceptors.intercept(
                discovery.getAggregatedDiscoveryServiceImpl().bindService(), interceptor))
            .addService(health.getHealthService());
    services.forEach(builder::addService);
    this.server =
        builder
            .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .build();
  }

  public AdsServer start() throws IOException {
    server.start();
    LOG.info("ADS listening on {}", server.getListenSockets());
    return this;
  }

  /** The port actually bound (useful when configured with port 0). */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Marks the server serving once it has published its first config. */
  public void markServing() {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
  }

  @Override
  public void close() throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
