package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A config the client refuses is not pushed to it again and again. grpc-java refuses a
 * PaymentProcessor cluster (DNS discovery with SDS-based TLS is for Envoy sidecars, not for
 * proxyless clients) once a route sends it there; Envoy would accept it, so the Gate lets it
 * through.
 */
class NackTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  private static final String STRIPE = """
      kind: PaymentProcessor
      name: stripe
      spec:
        endpoints: [{address: api.stripe.invalid, port: 443, region: us-east-1, priority: 0}]
        tls: {sni: api.stripe.invalid, trustedCaSecret: psp-ca, subjectAltNames: [api.stripe.invalid]}
        connectTimeout: 2s
      """;

  private static final String CHARGES_TO_STRIPE = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: charge
            match: {path: {exact: /payments.v1.Payments/Charge}}
            destination: {target: stripe}
            operation: NON_IDEMPOTENT_WRITE
            timeout: 3s
          - name: reads
            match: {path: {prefix: /}}
            destination: {target: payments-a}
            operation: READ
            timeout: 2s
      """;

  private Mesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.backend("payments-a", "backend-a");
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  private ProxyStatus checkoutStatus() {
    return mesh.server().proxies().connected().stream()
        .filter(s -> s.group().service().equals("checkout"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void nackedConfig_isNotResentInALoop_andAFixReachesTheClient() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    mesh.apply(STRIPE + "---\n" + Policies.SERVICES.replace(
        "dependencies: [payments, payments-a, payments-b]",
        "dependencies: [payments, payments-a, payments-b, stripe]")
        + "---\n" + CHARGES_TO_STRIPE);

    await().atMost(CONVERGE).until(() -> checkoutStatus().nackCount() >= 1);
    ProxyStatus nacked = checkoutStatus();
    assertThat(nacked.lastNack()).hasValueSatisfying(nack -> {
      assertThat(nack.typeUrl()).isEqualTo(CDS);
      assertThat(nack.errorDetail()).contains("stripe");
    });
    // A NACK storm would re-send within milliseconds; over 3 seconds nothing more arrives.
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> checkoutStatus().nackCount() == nacked.nackCount());
    // The rest of the client's config still works: reads go on reaching payments-a.
    assertThat(client.getPayment()).isEqualTo("backend-a");

    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));

    await().atMost(CONVERGE).untilAsserted(() ->
        assertThat(checkoutStatus().ackedVersions().get(CDS))
            .isNotEqualTo(nacked.ackedVersions().get(CDS))
            .isNotEqualTo(nacked.lastNack().orElseThrow().version()));
    assertThat(checkoutStatus().nackCount()).isEqualTo(nacked.nackCount());
    assertThat(client.charge()).isEqualTo("backend-a");
  }
}
