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

/** Policy written to etcd routes real RPCs of a real grpc-java xDS client. */
class PolicyRoutingTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);

  private Mesh mesh;
  private TestBackend backendA;
  private TestBackend backendB;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    backendA = mesh.backend("payments-a", "backend-a");
    backendB = mesh.backend("payments-b", "backend-b");
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void routeTableChange_movesTheClientsRpcs_withoutRestartingAnything() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");

    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    mesh.apply(Policies.routeAllTo("payments-b"));

    await().atMost(CONVERGE).until(client::tryCharge, "backend-b"::equals);
    for (int i = 0; i < 20; i++) {
      assertThat(client.charge()).isEqualTo("backend-b");
    }
  }

  @Test
  void dependencyTakenAwayFromTheCaller_isRemovedFromItsClient() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    // checkout no longer declares the host: its listener for xds:///payments leaves the config.
    mesh.apply(Policies.SERVICES.replace(
        "dependencies: [payments, payments-a, payments-b]", "dependencies: []"));

    // The client learns that the listener is gone (its next LDS response leaves it out) and
    // fails its RPCs instead of reaching the backend on a config it should no longer have.
    await().atMost(CONVERGE).until(() -> client.tryCharge() == null);
    int calls = backendA.calls();
    for (int i = 0; i < 5; i++) {
      assertThat(client.tryCharge()).isNull();
    }
    assertThat(backendA.calls()).isEqualTo(calls);
  }

  @Test
  void evenSplit_spreadsRpcsOverBothDeployments() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.SPLIT_READS);
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
    int aBefore = backendA.calls();

    int rpcs = 200;
    for (int i = 0; i < rpcs; i++) {
      client.getPayment();
    }

    int toA = backendA.calls() - aBefore;
    int toB = backendB.calls();
    assertThat(toA + toB).isEqualTo(rpcs);
    // 50/50 over 200 RPCs: fewer than 60 on one side has probability below 1e-8.
    assertThat(toA).isGreaterThanOrEqualTo(60);
    assertThat(toB).isGreaterThanOrEqualTo(60);
  }
}
