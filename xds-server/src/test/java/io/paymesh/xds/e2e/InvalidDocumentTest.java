package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Documents written straight into etcd, bypassing validation, cannot change what clients get:
 * a new one is skipped, an invalid replacement leaves the last good version in place, and valid
 * changes written beside them still apply.
 */
class InvalidDocumentTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  /** The retry budget (2 + 1) x 2s exceeds the 3s timeout: invariant 2. */
  private static final String OVER_BUDGET_ROUTE_TABLE = """
      {"kind":"RouteTable","name":"%s","spec":{"host":"%s","routes":[{"name":"charge",
       "match":{"path":{"prefix":"/"}},"destination":{"target":"payments-a"},
       "operation":"READ","timeout":"3s",
       "retry":{"retryOn":["unavailable"],"numRetries":2,"perTryTimeout":"2s"}}]}}""";

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

  private long putRaw(String key, String value) throws Exception {
    return ETCD.client().getKVClient()
        .put(bytes(mesh.prefix() + key), bytes(value))
        .get(5, TimeUnit.SECONDS)
        .getHeader()
        .getRevision();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  @Test
  void invalidDocument_isSkipped_andTheRestOfThePolicyStillApplies() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    putRaw("policy/routetables/refunds", OVER_BUDGET_ROUTE_TABLE.formatted("refunds", "refunds"));
    mesh.apply(Policies.routeAllTo("payments-b"));

    await().atMost(CONVERGE).until(client::tryCharge, "backend-b"::equals);
    assertThat(mesh.server().publisher().failingGroups()).isEmpty();
  }

  @Test
  void invalidReplacementOfAUsedDocument_keepsServingItsLastGoodVersion() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-b"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-b"::equals);

    // The damaged table is replaced by its last good version, so the host `payments` still
    // resolves for checkout: its config stays whole and passes the Gate.
    long damaged = putRaw("policy/routetables/payments",
        OVER_BUDGET_ROUTE_TABLE.formatted("payments", "payments"));

    await().atMost(CONVERGE).until(() -> mesh.server().policyRevision() >= damaged);
    assertThat(mesh.server().publisher().failingGroups()).isEmpty();
    assertThat(mesh.server().metrics().getGauges().get("xds.policy.damaged").getValue())
        .isEqualTo(1);
    assertThat(prometheusGauge("paymesh_xds_policy_damaged_documents")).isEqualTo(1);
    assertThat(prometheusGauge("paymesh_xds_policy_damaged_documents_nothing_kept")).isZero();
    for (int i = 0; i < 20; i++) {
      assertThat(client.charge()).isEqualTo("backend-b");
    }
  }

  /** A label-less gauge as the replica's Prometheus registry has it now. */
  private double prometheusGauge(String name) {
    return mesh.server().xdsMetrics().registry().scrape().stream()
        .filter(metric -> metric.getMetadata().getPrometheusName().equals(name))
        .map(metric -> ((GaugeSnapshot) metric).getDataPoints().get(0).getValue())
        .findFirst().orElseThrow(() -> new AssertionError("no gauge " + name));
  }

  @Test
  void malformedJson_isSkipped() throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);

    putRaw("policy/services/ledger", "{not json");
    mesh.apply(Policies.routeAllTo("payments-b"));

    await().atMost(CONVERGE).until(client::tryCharge, "backend-b"::equals);
  }
}
