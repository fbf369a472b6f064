package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registered instances reach clients through EDS and leave it when their lease expires. */
class EndpointLeaseTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);

  private Mesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void registeredEndpoint_receivesTraffic_untilItsLeaseExpires() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    TestBackend stable = mesh.backend("payments-a", "stable");
    TestBackend shortLived = mesh.unregisteredBackend("short-lived");
    // Registered once, never renewed: gone from etcd when the 2s lease runs out.
    mesh.endpoints().registerOnce(Mesh.endpointOf("payments-a", shortLived), Duration.ofSeconds(2));
    XdsTestClient client = mesh.client("checkout", "payments");

    await().atMost(CONVERGE).untilAsserted(() -> {
      client.tryCharge();
      assertThat(shortLived.calls()).isPositive();
      assertThat(stable.calls()).isPositive();
    });

    await().atMost(CONVERGE).untilAsserted(() -> {
      int before = shortLived.calls();
      for (int i = 0; i < 20; i++) {
        assertThat(client.charge()).isEqualTo("stable");
      }
      assertThat(shortLived.calls()).isEqualTo(before);
    });
  }
}
