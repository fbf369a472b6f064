package io.paymesh.xds.e2e;

import static io.paymesh.xds.load.SimulatedEnvoy.CDS;
import static io.paymesh.xds.load.SimulatedEnvoy.EDS;
import static io.paymesh.xds.load.SimulatedEnvoy.LDS;
import static io.paymesh.xds.load.SimulatedEnvoy.RDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.load.SimulatedEnvoy;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a replica builds and pushes, seen from a simulated Envoy sidecar on a real ADS stream
 * against a real xds-server over a real etcd: only the groups proxies ask for are built, an
 * endpoint registration pushes the endpoints and nothing else, and a route change the routes.
 */
class EndpointChangePushTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final ProxyGroup CHECKOUT = ProxyGroup.sidecar("checkout");

  private Mesh mesh;
  private ManagedChannel channel;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    mesh.backend("payments-a", "backend-a");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", mesh.server().plaintextAdsPort())
        .usePlaintext()
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    mesh.close();
  }

  @Test
  void anEndpointRegistration_pushesEndpointsOnly_toTheOnlyGroupAProxyAskedFor() throws Exception {
    SimulatedEnvoy envoy = SimulatedEnvoy.connect(channel, "checkout~pod-1", "checkout");
    await().atMost(CONVERGE).until(envoy::initialConfigAcked);
    mesh.awaitInSync(CHECKOUT, CONVERGE);
    Map<String, Integer> before = counts(envoy);

    mesh.backend("payments-a", "backend-a2");

    await().atMost(CONVERGE).until(() -> envoy.responses(EDS) > before.get(EDS));
    assertThat(mesh.server().publisher().lastRebuilt())
        .as("no other service's or client family's group was asked for, so none is built")
        .containsExactly(CHECKOUT);
    assertThat(mesh.server().publisher().lastRebuiltEndpointsOnly()).containsExactly(CHECKOUT);

    mesh.apply(Policies.routeAllTo("payments-b"));

    await().atMost(CONVERGE).until(() -> envoy.responses(RDS) > before.get(RDS));
    // Responses on one stream arrive in order: had the endpoint change pushed clusters or
    // listeners, they would have come before the route change's RDS push.
    assertThat(envoy.responses(CDS)).isEqualTo(before.get(CDS));
    assertThat(envoy.responses(LDS)).isEqualTo(before.get(LDS));
    assertThat(envoy.responses(EDS)).isEqualTo(before.get(EDS) + 1);
    assertThat(envoy.failure()).isNull();
  }

  private static Map<String, Integer> counts(SimulatedEnvoy envoy) {
    return Map.of(CDS, envoy.responses(CDS), EDS, envoy.responses(EDS),
        LDS, envoy.responses(LDS), RDS, envoy.responses(RDS));
  }
}
