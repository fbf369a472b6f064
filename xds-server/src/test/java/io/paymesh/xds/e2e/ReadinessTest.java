package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.XdsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica's gRPC health answers NOT_SERVING until it has published its first policy snapshot,
 * so a load balancer or readiness probe does not send proxies to a replica that has no config for
 * them yet (e.g. while etcd cannot be reached at start), and SERVING once it has. A replica
 * that cannot bind a port fails to start and leaves nothing open.
 */
class ReadinessTest {

  @RegisterExtension
  static final EtcdExtension ETCD = new EtcdExtension();

  @Test
  void aReplicaIsNotServingUntilItHasPublishedItsFirstPolicy() throws Exception {
    ETCD.stop();
    try (XdsServer server = XdsServer.builder(ETCD.client())
        .prefix("/readiness/")
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0))
        .start()) {
      ManagedChannel channel = NettyChannelBuilder
          .forAddress("127.0.0.1", server.plaintextAdsPort()).usePlaintext().build();
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

        assertThat(status(health)).as("etcd down: no policy read yet")
            .isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(server.policyRevision()).isZero();

        ETCD.start();

        await().atMost(Duration.ofSeconds(30))
            .until(() -> status(health) == ServingStatus.SERVING);
        assertThat(server.policyRevision()).isPositive();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    } finally {
      if (!ETCD.isRunning()) {
        ETCD.start();
      }
    }
  }

  @Test
  void aReplicaThatReadsThePolicyAheadOfStarting_servesItOnceStarted() throws Exception {
    XdsServer.Builder builder = XdsServer.builder(ETCD.client())
        .prefix("/readiness-early/")
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0))
        .startReadingPolicy();

    assertThatThrownBy(() -> builder.prefix("/elsewhere/"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("prefix cannot change once the policy is being read");

    try (XdsServer server = builder.start()) {
      ManagedChannel channel = NettyChannelBuilder
          .forAddress("127.0.0.1", server.plaintextAdsPort()).usePlaintext().build();
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        await().atMost(Duration.ofSeconds(30))
            .until(() -> status(health) == ServingStatus.SERVING);
        assertThat(server.policyRevision()).isPositive();
        assertThatThrownBy(builder::start).isInstanceOf(IllegalStateException.class)
            .hasMessage("this builder has already started a replica");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aReplicaThatCannotBindItsPort_failsToStartAndReleasesWhatItOpened() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int metricsPort = LoopbackPorts.free();
      XdsServer.Builder builder = XdsServer.builder(ETCD.client())
          .prefix("/readiness-port-taken/")
          .metrics(new InetSocketAddress("127.0.0.1", metricsPort))
          .plaintextAds(new InetSocketAddress("127.0.0.1", taken.getLocalPort()));

      assertThatThrownBy(builder::start).isInstanceOf(IOException.class);

      // The metrics endpoint it had opened before the ADS port failed is closed again.
      try (ServerSocket again =
          new ServerSocket(metricsPort, 50, InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).isEqualTo(metricsPort);
      }
    }
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub health) {
    return health.withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus();
  }
}
