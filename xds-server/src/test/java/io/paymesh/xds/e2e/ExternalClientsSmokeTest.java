package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import io.paymesh.xds.testing.ExternalXdsClient;
import io.paymesh.xds.testing.ExternalXdsClient.Family;
import io.paymesh.xds.testing.ExternalXdsClient.Result;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.XdsTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * gRPC C-core and grpc-js, proxyless, take their config from the xds-server and send real RPCs
 * where the policy says: charges to payments-a, everything else to payments-b (ROUND_ROBIN, path
 * matches only, which both accept). The backends are grpc-java XdsServerBuilder servers in the
 * CDE, so every call is mTLS with the workload agent's certificates and passes the callee's RBAC;
 * only ADS is plaintext, since neither client can present a certificate to it.
 *
 * <p>The routes' timeouts are long on purpose: C-core 1.51 ends a call on a route whose
 * max_stream_duration is T after T minus 1 to 2 seconds (measured), so a short route timeout
 * would make this test about that defect rather than about routing.
 */
class ExternalClientsSmokeTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final String CHARGE = PaymentsRpc.CHARGE.getFullMethodName();
  private static final String GET_PAYMENT = PaymentsRpc.GET_PAYMENT.getFullMethodName();

  @TempDir Path dir;
  private SecureMesh mesh;
  private XdsTestServer paymentsA;
  private XdsTestServer paymentsB;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = SecureMesh.startWithPlaintextAds(ETCD, dir, Duration.ofHours(1));
    int[] ports = LoopbackPorts.distinct(2);
    int portA = ports[0];
    int portB = ports[1];
    mesh.apply(policy(portA, portB));
    paymentsA = mesh.backend("payments-a", "payments-a-1", portA, mesh.enrol("payments-a").dir());
    paymentsB = mesh.backend("payments-b", "payments-b-1", portB, mesh.enrol("payments-b").dir());
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  private static String policy(int portA, int portB) {
    return """
        kind: Service
        name: checkout
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: %3$s
          pciScope: CONNECTED
          dependencies: [payments, payments-a, payments-b]
        ---
        kind: Service
        name: payments-a
        spec:
          ports: [{name: grpc, port: %1$d, targetPort: %1$d, protocol: GRPC}]
          identity: %4$s
          pciScope: CDE
          loadBalancing: ROUND_ROBIN
          dependencies: []
        ---
        kind: Service
        name: payments-b
        spec:
          ports: [{name: grpc, port: %2$d, targetPort: %2$d, protocol: GRPC}]
          identity: %5$s
          pciScope: CDE
          loadBalancing: ROUND_ROBIN
          dependencies: []
        ---
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: charge
              match: {path: {exact: /payments.v1.Payments/Charge}}
              destination: {target: payments-a}
              operation: NON_IDEMPOTENT_WRITE
              timeout: 10s
            - name: reads
              match: {path: {prefix: /}}
              destination: {target: payments-b}
              operation: READ
              timeout: 10s
        ---
        kind: AuthorizationPolicy
        name: payments-a-callers
        spec:
          service: payments-a
          mode: ENFORCE
          rules:
            - name: checkout
              callers: [checkout]
              to: [{methods: [POST], paths: [{prefix: /payments.v1.Payments/}]}]
        ---
        kind: AuthorizationPolicy
        name: payments-b-callers
        spec:
          service: payments-b
          mode: ENFORCE
          rules:
            - name: checkout
              callers: [checkout]
              to: [{methods: [POST], paths: [{prefix: /payments.v1.Payments/}]}]
        """.formatted(portA, portB, SecureMesh.identityOf("checkout"),
        SecureMesh.identityOf("payments-a"), SecureMesh.identityOf("payments-b"));
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void rpcs_reachTheBackendThePolicyNames_overMtls(Family family) throws Exception {
    ExternalXdsClient checkout =
        mesh.externalClient(family, "checkout", mesh.enrol("checkout").dir());

    await().atMost(CONVERGE).untilAsserted(() ->
        assertThat(checkout.call("payments", CHARGE, Map.of(), DEADLINE))
            .as("%s; its log:%n%s", checkout, checkout.logTail())
            .extracting(Result::reply).isEqualTo("payments-a-1"));
    List<Result> charges = checkout.calls("payments", CHARGE, Map.of(), DEADLINE, 10, false);
    List<Result> reads = checkout.calls("payments", GET_PAYMENT, Map.of(), DEADLINE, 10, false);

    assertThat(charges).extracting(Result::code, Result::reply)
        .containsOnly(org.assertj.core.groups.Tuple.tuple("OK", "payments-a-1"));
    assertThat(reads).extracting(Result::code, Result::reply)
        .containsOnly(org.assertj.core.groups.Tuple.tuple("OK", "payments-b-1"));
    assertThat(paymentsA.calls()).isGreaterThanOrEqualTo(11);
    assertThat(paymentsB.calls()).isEqualTo(10);
    // Over mTLS: each backend saw a client certificate, checkout's.
    assertThat(paymentsA.callerSerials()).isNotEmpty();
    assertThat(paymentsB.callerSerials()).isNotEmpty();
    // The client took the whole config: grouped as a proxyless client, nothing refused.
    ProxyStatus status = mesh.server().proxies().latestOf(checkout.nodeId()).orElseThrow();
    assertThat(status.group().form().name()).isEqualTo("PROXYLESS");
    assertThat(status.nackCount()).as("NACKs of %s", checkout).isZero();
  }
}
