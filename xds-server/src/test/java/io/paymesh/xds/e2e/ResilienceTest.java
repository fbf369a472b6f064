package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Service's circuit breakers and outlier detection, as a real grpc-java xDS client applies them
 * to real backends: max requests is not enforced (no load reporting), and outlier detection is
 * not sent to grpc-java at all, so a failing backend is not ejected.
 */
class ResilienceTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final Duration LONG = Duration.ofSeconds(30);
  private static final String PAYMENTS_A_IDENTITY =
      "identity: spiffe://paymesh.local/ns/payments/sa/payments-a";

  private Mesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  /** Reads to payments-a with time to hold them at the backend. */
  private static final String SLOW_READS = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: reads
            match: {path: {prefix: /}}
            destination: {target: payments-a}
            operation: READ
            timeout: 30s
      """;

  /** The test services, payments-a with {@code resilience} (YAML lines of its spec). */
  private void applyWithPaymentsA(String resilience, String routeTable) throws Exception {
    mesh.apply(Policies.SERVICES.replace(PAYMENTS_A_IDENTITY,
            PAYMENTS_A_IDENTITY + "\n" + resilience.indent(2).stripTrailing())
        + "---\n" + routeTable);
  }

  private void applyWithPaymentsA(String resilience) throws Exception {
    applyWithPaymentsA(resilience, Policies.routeAllTo("payments-a"));
  }

  private static String getPayment(XdsTestClient client) {
    return client.call(PaymentsRpc.GET_PAYMENT, Map.of(), DEADLINE);
  }

  private static String tryGetPayment(XdsTestClient client) {
    try {
      return getPayment(client);
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  /**
   * grpc-java (1.85) counts a cluster's requests in flight only when the cluster reports load to an
   * LRS server ({@code lrs_server}), which paymesh does not configure: without that count
   * max_requests never trips. This pins that gap, so the docs change when grpc-java does. (With
   * {@code lrs_server: {self: {}}} the third call fails at once with UNAVAILABLE "Cluster max
   * concurrent requests limit of 2 exceeded"; an Envoy sidecar enforces max_requests itself.)
   */
  @Test
  void maxRequests_isNotEnforcedByGrpcJavaWithoutLoadReporting_aThirdCallReachesTheBackend()
      throws Exception {
    TestBackend backend = mesh.backend("payments-a", "backend-a");
    applyWithPaymentsA(
        "circuitBreakers: {maxConnections: 100, maxPendingRequests: 100, maxRequests: 2,"
            + " maxRetries: 3}",
        SLOW_READS);
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(() -> tryGetPayment(client), "backend-a"::equals);

    backend.hold();
    List<ListenableFuture<String>> calls = List.of(
        client.callAsync(PaymentsRpc.GET_PAYMENT, Map.of(), LONG),
        client.callAsync(PaymentsRpc.GET_PAYMENT, Map.of(), LONG),
        client.callAsync(PaymentsRpc.GET_PAYMENT, Map.of(), LONG));

    await().atMost(CONVERGE).until(backend::held, n -> n == 3);
    backend.release();
    for (ListenableFuture<String> call : calls) {
      assertThat(call.get()).isEqualTo("backend-a");
    }
  }

  /**
   * grpc-java 1.85 can lose a call picked while a config update passes through its outlier
   * detection (docs/clients.md, note 15), so paymesh sends it none. A failure percentage that
   * ejects the failing backend within a second or two in C-core and grpc-js
   * (ExternalClientsResilienceTest) leaves it in grpc-java's round robin: over four detection
   * intervals it keeps getting its share of every 10 calls.
   */
  @Test
  void outlierDetection_isNotSentToGrpcJava_theFailingBackendKeepsGettingCalls()
      throws Exception {
    TestBackend healthy = mesh.backend("payments-a", "healthy");
    TestBackend failing = mesh.backend("payments-a", "failing");
    applyWithPaymentsA("""
        outlierDetection:
          consecutive5xx: 1
          interval: 1s
          baseEjectionTime: 30s
          maxEjectionPercent: 50
          failurePercentage: {threshold: 50, minimumHosts: 2, requestVolume: 10}
        """);
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(() -> {
      tryGetPayment(client);
      return healthy.calls() > 0 && failing.calls() > 0;
    });

    failing.failWith(Status.UNAVAILABLE.withDescription("processor down"));

    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> {
      int before = failing.calls();
      for (int i = 0; i < 10; i++) {
        tryGetPayment(client);
      }
      return failing.calls() > before;
    });
  }
}
