package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.store.EndpointCodec;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registered instances reach clients through EDS and leave it when their lease expires. */
class EndpointLeaseTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final long LEASE_TTL_SECONDS = 3;

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
    TestBackend expiring = mesh.unregisteredBackend("expiring");
    // The test holds this lease itself: it renews it only while waiting for traffic, so the
    // expiry comes after the client has used the endpoint however slow the machine is.
    Client etcd = ETCD.client();
    long lease = etcd.getLeaseClient().grant(LEASE_TTL_SECONDS).get(5, TimeUnit.SECONDS).getID();
    etcd.getKVClient()
        .put(
            bytes(new KeyLayout(mesh.prefix()).endpointKey("payments-a", "expiring")),
            bytes(EndpointCodec.toJson(Mesh.endpointOf("payments-a", expiring))),
            PutOption.builder().withLeaseId(lease).build())
        .get(5, TimeUnit.SECONDS);
    XdsTestClient client = mesh.client("checkout", "payments");

    await().atMost(CONVERGE).untilAsserted(() -> {
      etcd.getLeaseClient().keepAliveOnce(lease).get(5, TimeUnit.SECONDS);
      client.tryCharge();
      assertThat(expiring.calls()).isPositive();
      assertThat(stable.calls()).isPositive();
    });

    // No more renewals: the lease runs out within its TTL and the endpoint leaves EDS.
    await().atMost(CONVERGE).untilAsserted(() -> {
      int before = expiring.calls();
      for (int i = 0; i < 20; i++) {
        assertThat(client.charge()).isEqualTo("stable");
      }
      assertThat(expiring.calls()).isEqualTo(before);
    });
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
