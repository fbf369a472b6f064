package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.ExternalXdsClient;
import io.paymesh.xds.testing.ExternalXdsClient.Family;
import io.paymesh.xds.testing.ExternalXdsClient.Result;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.Policies;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A route that moves from cluster A to B and back to A moves a C-core or grpc-js client's RPCs
 * each time, on one channel and one ADS stream: the client unsubscribes from A, subscribes to it
 * again, and is answered (see "Subscribing again is answered" in docs/xds-server.md). Plaintext
 * calls to plain gRPC backends, as in the grpc-java routing tests.
 */
class ExternalClientsRouteMoveTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final String CHARGE = PaymentsRpc.CHARGE.getFullMethodName();

  private Mesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.backend("payments-a", "backend-a");
    mesh.backend("payments-b", "backend-b");
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  /**
   * Every RPC to {@code target}. The timeout is long because C-core 1.51 ends calls 1 to 2
   * seconds before a route's max_stream_duration (see ExternalClientsSmokeTest).
   */
  private static String routeAllTo(String target) {
    return """
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: all
              match: {path: {prefix: /}}
              destination: {target: %s}
              operation: READ
              timeout: 10s
        """.formatted(target);
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void routeMovingAToBToA_movesTheRpcsEachTime(Family family) throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + routeAllTo("payments-a"));
    ExternalXdsClient client = mesh.externalClient(family, "checkout");

    for (String target : List.of("payments-a", "payments-b", "payments-a")) {
      mesh.apply(routeAllTo(target));
      String backend = target.replace("payments-", "backend-");
      await().atMost(CONVERGE).untilAsserted(() -> {
        Result result = client.call("payments", CHARGE, Map.of(), DEADLINE);
        assertThat(result.reply())
            .as("%s after moving to %s: %s; its log:%n%s", client, target, result,
                client.logTail())
            .isEqualTo(backend);
      });
      assertThat(client.calls("payments", CHARGE, Map.of(), DEADLINE, 10, false))
          .extracting(Result::reply).containsOnly(backend);
    }
    assertThat(mesh.server().proxies().latestOf(client.nodeId()).orElseThrow().nackCount())
        .isZero();
  }
}
