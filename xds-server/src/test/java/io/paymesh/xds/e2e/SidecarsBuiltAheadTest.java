package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.XdsServer;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.translate.ProxyGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica builds the Envoy sidecar group of every service in the policy it starts with before
 * any sidecar asks (so that sidecars reconnecting to it find their config ready), unless told
 * not to; either way, what proxies ask for is served.
 */
class SidecarsBuiltAheadTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final List<ProxyGroup> SIDECARS = List.of(ProxyGroup.sidecar("checkout"),
      ProxyGroup.sidecar("payments-a"), ProxyGroup.sidecar("payments-b"));

  @Test
  void aRestartedReplica_buildsEverySidecarGroupBeforeASidecarAsks() throws Exception {
    try (Mesh mesh = Mesh.start(ETCD)) {
      mesh.backend("payments-a", "backend-a");
      mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
      XdsTestClient client = mesh.client("checkout", "payments");
      await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
      // Started before the policy was written: nothing to build ahead, only what was asked for.
      assertThat(mesh.server().publisher().builtGroups())
          .containsExactly(ProxyGroup.proxyless("checkout"));

      mesh.restartServer();

      await().atMost(CONVERGE)
          .until(() -> mesh.server().publisher().builtGroups().containsAll(SIDECARS));
      assertThat(client.charge()).isEqualTo("backend-a");
      // The client reconnects on its own time (it keeps its config meanwhile).
      await().atMost(CONVERGE).until(() -> mesh.server().publisher().builtGroups()
          .contains(ProxyGroup.proxyless("checkout")));
      assertThat(mesh.server().publisher().builtGroups()).as("ahead, and the client's own group")
          .containsExactlyInAnyOrderElementsOf(
              concat(SIDECARS, ProxyGroup.proxyless("checkout")));
      assertThat(client.charge()).isEqualTo("backend-a");
    }
  }

  @Test
  void aReplicaToldNotToBuildAhead_buildsOnlyWhatProxiesAskFor() throws Exception {
    String prefix = "/sidecars-not-ahead/";
    PolicyCodec codec = new PolicyCodec();
    new PolicyRepository(ETCD.client(), prefix, codec)
        .putAll(codec.decodeAll(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a")));
    try (XdsServer server = XdsServer.builder(ETCD.client())
        .prefix(prefix)
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0))
        .buildSidecarsAhead(false)
        .start()) {
      awaitServing(server);
      // Builds ahead, had there been any, were queued before SERVING, so before this client's
      // first build: at least one would be done by the time the client's group is.
      try (XdsTestClient client = XdsTestClient.connect(
          server.plaintextAdsPort(), "checkout", "payments")) {
        client.tryCharge();
        await().atMost(CONVERGE).until(() -> !server.publisher().builtGroups().isEmpty());
      }
      assertThat(server.publisher().builtGroups())
          .containsExactly(ProxyGroup.proxyless("checkout"));
    }
  }

  private static List<ProxyGroup> concat(List<ProxyGroup> groups, ProxyGroup group) {
    return Stream.concat(groups.stream(), Stream.of(group)).toList();
  }

  private static void awaitServing(XdsServer server) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder
        .forAddress("127.0.0.1", server.plaintextAdsPort()).usePlaintext().build();
    try {
      HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
      await().atMost(CONVERGE).until(() -> health.withDeadlineAfter(5, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus() == ServingStatus.SERVING);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
