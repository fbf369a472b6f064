package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.Gauge;
import io.etcd.jetcd.ByteSequence;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.XdsServer;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.testing.XdsTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Service or AuthorizationPolicy overwritten by hand in etcd with something that no longer
 * decodes takes nothing away from proxies: the xds-server keeps serving its last good version
 * (the caller's listener and routes stay; the RBAC keeps its rules), and reports it in the gauges
 * {@code xds.policy.damaged} and {@code xds.policy.damaged.nothing-kept} until it is repaired.
 */
class DamagedDocumentTrafficTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final PolicyCodec CODEC = new PolicyCodec();

  @TempDir Path dir;

  @Test
  void damagedServiceOfTheCaller_keepsItsConfig_untilRepaired() throws Exception {
    try (Mesh mesh = Mesh.start(ETCD)) {
      mesh.backend("payments-a", "backend-a");
      mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
      XdsTestClient client = mesh.client("checkout", "payments");
      await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
      PolicyResource checkout =
          mesh.repository().get(Kind.SERVICE, "checkout").orElseThrow().resource();

      long damaged = putRaw(mesh.prefix(), Kind.SERVICE, "checkout", damage(checkout));

      XdsServer server = mesh.server();
      await().atMost(CONVERGE).until(() -> server.policyRevision() >= damaged);
      assertThat(gauge(server, "xds.policy.damaged")).isEqualTo(1);
      assertThat(gauge(server, "xds.policy.damaged.nothing-kept")).isZero();
      // Without the last good version checkout would be out of the policy: an empty config.
      assertThat(server.publisher().failingGroups()).isEmpty();
      for (int i = 0; i < 20; i++) {
        assertThat(client.charge()).isEqualTo("backend-a");
      }

      long repaired = mesh.repository().put(checkout);
      await().atMost(CONVERGE).until(() -> server.policyRevision() >= repaired);
      assertThat(gauge(server, "xds.policy.damaged")).isZero();
      assertThat(client.charge()).isEqualTo("backend-a");
    }
  }

  @Test
  void damagedAuthorizationPolicy_keepsItsRules() throws Exception {
    try (SecureMesh mesh = SecureMesh.start(ETCD, dir, Duration.ofHours(1))) {
      int paymentsPort = LoopbackPorts.free();
      mesh.apply(MtlsMeshTest.policy(paymentsPort));
      XdsTestServer payments = mesh.backend("payments-v1", "payments-v1-a", paymentsPort,
          mesh.enrol("payments-v1").dir());
      XdsTestClient checkout = mesh.client("checkout", "payments", mesh.enrol("checkout").dir());
      XdsTestClient reporting =
          mesh.client("reporting", "payments", mesh.enrol("reporting").dir());
      await().atMost(CONVERGE).untilAsserted(() ->
          assertThat(checkout.getPayment()).isEqualTo("payments-v1-a"));
      String rules = "payments-v1-callers";
      PolicyResource policy = repository(mesh).get(Kind.AUTHORIZATION_POLICY, rules)
          .orElseThrow().resource();

      long damaged = putRaw(mesh.prefix(), Kind.AUTHORIZATION_POLICY, rules, damage(policy));

      XdsServer server = mesh.server();
      await().atMost(CONVERGE).until(() -> server.policyRevision() >= damaged);
      assertThat(gauge(server, "xds.policy.damaged")).isEqualTo(1);
      assertThat(server.publisher().failingGroups()).isEmpty();
      // An RBAC without the policy's rules would deny checkout too.
      for (int i = 0; i < 20; i++) {
        assertThat(checkout.getPayment()).isEqualTo("payments-v1-a");
      }
      assertThatThrownBy(reporting::getPayment).isInstanceOfSatisfying(
          StatusRuntimeException.class,
          e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
      assertThat(payments.calls()).isGreaterThanOrEqualTo(21);

      long repaired = repository(mesh).put(policy);
      await().atMost(CONVERGE).until(() -> server.policyRevision() >= repaired);
      assertThat(gauge(server, "xds.policy.damaged")).isZero();
      assertThat(checkout.getPayment()).isEqualTo("payments-v1-a");
    }
  }

  @Test
  void damagedSinceCreation_isCountedAsNothingKept() throws Exception {
    try (Mesh mesh = Mesh.start(ETCD)) {
      mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));

      long damaged = putRaw(mesh.prefix(), Kind.SERVICE, "ledger", "{not json");

      XdsServer server = mesh.server();
      await().atMost(CONVERGE).until(() -> server.policyRevision() >= damaged);
      assertThat(gauge(server, "xds.policy.damaged")).isEqualTo(1);
      assertThat(gauge(server, "xds.policy.damaged.nothing-kept")).isEqualTo(1);

      mesh.repository().delete(Kind.SERVICE, "ledger");
      await().atMost(CONVERGE).until(() -> gauge(server, "xds.policy.damaged") == 0);
      assertThat(gauge(server, "xds.policy.damaged.nothing-kept")).isZero();
    }
  }

  /** Well-formed JSON that no longer decodes: an unknown field in the spec. */
  private static String damage(PolicyResource resource) {
    return CODEC.toJson(resource).replace("\"spec\":{", "\"spec\":{\"retired\":true,");
  }

  private static PolicyRepository repository(SecureMesh mesh) {
    return new PolicyRepository(ETCD.client(), mesh.prefix(), CODEC);
  }

  /** Writes straight into etcd, around the repository's validation, as an operator by hand. */
  private static long putRaw(String prefix, Kind kind, String name, String value)
      throws Exception {
    String key = new KeyLayout(prefix).policyKey(kind, name);
    return ETCD.client().getKVClient()
        .put(bytes(key), bytes(value))
        .get(5, TimeUnit.SECONDS)
        .getHeader()
        .getRevision();
  }

  private static int gauge(XdsServer server, String name) {
    Gauge<?> gauge = server.metrics().getGauges().get(name);
    assertThat(gauge).as(name).isNotNull();
    return ((Number) gauge.getValue()).intValue();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
