package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * API version and query parameter matches route real RPCs of a real grpc-java xDS client: the
 * api-version header picks the v2 deployment, and a route with a query parameter condition, which
 * gRPC calls (having no query string) never meet, takes none of them.
 */
class RouteMatchTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  private static final String VERSIONED = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: eur-only
            match: {path: {prefix: /}, queryParameters: [{name: currency, exact: EUR}]}
            destination: {target: payments-b}
            operation: READ
            timeout: 2s
          - name: v2
            match: {path: {prefix: /}, apiVersion: {value: v2, in: HEADER}}
            destination: {target: payments-b}
            operation: READ
            timeout: 2s
          - name: reads
            match: {path: {prefix: /}}
            destination: {target: payments-a}
            operation: READ
            timeout: 2s
      """;

  private Mesh mesh;
  private TestBackend backendB;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.backend("payments-a", "backend-a");
    backendB = mesh.backend("payments-b", "backend-b");
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  private String getPayment(XdsTestClient client, Map<String, String> headers) {
    return client.call(PaymentsRpc.GET_PAYMENT, headers, DEADLINE);
  }

  @Test
  void apiVersionHeader_selectsTheVersionsRoute_andQueryParameterRouteTakesNoGrpcCall()
      throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + VERSIONED);
    XdsTestClient client = mesh.client("checkout", "payments");
    // Converged once the client serves reads at all: the RouteConfiguration was accepted.
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    for (int i = 0; i < 20; i++) {
      assertThat(getPayment(client, Map.of("api-version", "v2"))).isEqualTo("backend-b");
      assertThat(getPayment(client, Map.of("api-version", "v1"))).isEqualTo("backend-a");
      assertThat(getPayment(client, Map.of())).isEqualTo("backend-a");
    }
    // Only the v2 calls reached payments-b: the eur-only route above them took nothing.
    assertThat(backendB.calls()).isEqualTo(20);
  }
}
