package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Clients ride out restarts of the xds-server and of etcd. */
class RestartTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);

  private Mesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.backend("payments-a", "backend-a");
    mesh.backend("payments-b", "backend-b");
  }

  @AfterEach
  void stopMesh() throws Exception {
    if (!ETCD.isRunning()) {
      ETCD.start();
    }
    mesh.close();
  }

  private Map<String, String> checkoutVersions() {
    List<ProxyStatus> checkout = mesh.server().proxies().connected().stream()
        .filter(s -> s.group().service().equals("checkout"))
        .toList();
    return checkout.isEmpty() ? Map.of() : checkout.get(0).ackedVersions();
  }

  @Test
  void xdsServerRestart_reconnectingClientGetsTheSameVersions_andItsRpcsGoOn() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
    await().atMost(CONVERGE).until(() -> checkoutVersions().size() == 4);
    Map<String, String> before = checkoutVersions();
    long publishedBefore = mesh.server().metrics().counter("xds.snapshots.published").getCount();
    assertThat(publishedBefore).isPositive();

    mesh.restartServer();

    // The client keeps its config while reconnecting: every RPC still succeeds.
    for (int i = 0; i < 10; i++) {
      assertThat(client.charge()).isEqualTo("backend-a");
    }
    await().atMost(CONVERGE).until(() -> checkoutVersions().size() == 4);
    assertThat(checkoutVersions()).isEqualTo(before);
    assertThat(mesh.server().metrics().counter("xds.nacks").getCount()).isZero();
    assertThat(client.charge()).isEqualTo("backend-a");
  }

  @Test
  void etcdRestart_clientsKeepTheirConfig_andALaterChangeReachesThem() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    ETCD.stop();
    for (int i = 0; i < 10; i++) {
      assertThat(client.charge()).isEqualTo("backend-a");
    }
    ETCD.start();

    await().atMost(CONVERGE).ignoreExceptions()
        .until(() -> {
          mesh.apply(Policies.routeAllTo("payments-b"));
          return true;
        });
    await().atMost(CONVERGE).until(client::tryCharge, "backend-b"::equals);
  }
}
