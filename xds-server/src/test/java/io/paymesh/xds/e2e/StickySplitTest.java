package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.ExternalXdsClient;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sticky split (invariant 4) with real traffic from three gRPC implementations: refunds split
 * between two deployments by merchant. With ring hash (grpc-java, grpc-js), every request of one
 * merchant reaches one backend; over 2,000 merchants each side's share is within 4.5 points of its
 * weight; moving the canary from 10 % to 20 % moves about 10 % of the merchants, all of them to
 * the canary. C-core, which has no ring hash, sends the whole split to its larger side.
 */
class StickySplitTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final int MERCHANTS = 2_000;
  /**
   * How far a side's share of the merchants may be from its weight, in points. Two independent
   * sources of spread: where the ring's entries fall depends on the backends' addresses (random
   * loopback ports each run), about 0.6 points of standard deviation at a 4096-entry ring, and
   * which 2,000 merchant ids are drawn, about 0.9 points: 4.5 points is about four standard
   * deviations. Stickiness and the direction of moves are exact and asserted exactly.
   */
  private static final double SHARE_TOLERANCE = 4.5;
  private static final Set<String> STABLE = Set.of("stable-1", "stable-2");
  private static final Set<String> CANARY = Set.of("canary-1", "canary-2");

  private Mesh mesh;

  /** Sends one refund for a merchant; returns the backend that handled it. */
  private interface Refunds {
    String refund(String merchant);
  }

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.backend("payments-a", "stable-1");
    mesh.backend("payments-a", "stable-2");
    mesh.backend("payments-b", "canary-1");
    mesh.backend("payments-b", "canary-2");
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  static String refundsSplit(int canaryWeight) {
    return """
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: refund
              match: {path: {exact: /payments.v1.Payments/Refund}}
              destination:
                split: [{target: payments-a, weight: %d}, {target: payments-b, weight: %d}]
                stickyBy: x-merchant-id
              operation: IDEMPOTENT_WRITE
              timeout: 3s
        """.formatted(100 - canaryWeight, canaryWeight);
  }

  /** A checkout client of the family, connected once the first refund succeeds. */
  private Refunds client(ClientFamily family) throws Exception {
    Refunds refunds;
    if (family == ClientFamily.GRPC_JAVA) {
      XdsTestClient client = mesh.client("checkout", "payments");
      refunds = merchant -> client.call(PaymentsRpc.REFUND, Map.of("x-merchant-id", merchant));
    } else {
      ExternalXdsClient client = mesh.externalClient(family == ClientFamily.GRPC_JS
          ? ExternalXdsClient.Family.GRPC_JS : ExternalXdsClient.Family.C_CORE, "checkout");
      refunds = merchant -> {
        ExternalXdsClient.Result result = client.call("payments",
            PaymentsRpc.REFUND.getFullMethodName(), Map.of("x-merchant-id", merchant), DEADLINE);
        assertThat(result.ok()).as("refund of %s: %s", merchant, result).isTrue();
        return result.reply();
      };
    }
    await().atMost(CONVERGE).ignoreExceptions().until(() -> refunds.refund("probe") != null);
    return refunds;
  }

  private static Map<String, String> refundAll(Refunds client, int merchants) {
    Map<String, String> landed = new HashMap<>();
    for (int m = 0; m < merchants; m++) {
      String merchant = "merchant-" + m;
      landed.put(merchant, client.refund(merchant));
    }
    return landed;
  }

  private static double share(Map<String, String> landed, Set<String> side) {
    return 100.0 * landed.values().stream().filter(side::contains).count() / landed.size();
  }

  @ParameterizedTest
  @EnumSource(value = ClientFamily.class, names = {"GRPC_JAVA", "GRPC_JS"})
  void withRingHash_aMerchantStaysOnOneBackend_sharesFollowWeights_andAChangeMovesOnlyItsShare(
      ClientFamily family) throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + refundsSplit(10));
    Refunds client = client(family);
    mesh.awaitInSync(new ProxyGroup("checkout", family), CONVERGE);

    Map<String, String> before = refundAll(client, MERCHANTS);
    // Sticky: asked again, every merchant lands where it did.
    assertThat(refundAll(client, MERCHANTS)).isEqualTo(before);
    assertThat(share(before, CANARY)).isCloseTo(10.0, within(SHARE_TOLERANCE));
    assertThat(before.values()).contains("stable-1", "stable-2", "canary-1", "canary-2");

    mesh.apply(refundsSplit(20));
    mesh.awaitInSync(new ProxyGroup("checkout", family), CONVERGE);
    Map<String, String> after = refundAll(client, MERCHANTS);

    assertThat(share(after, CANARY)).isCloseTo(20.0, within(SHARE_TOLERANCE));
    long movedToCanary = before.keySet().stream()
        .filter(m -> STABLE.contains(before.get(m)) && CANARY.contains(after.get(m))).count();
    long movedToStable = before.keySet().stream()
        .filter(m -> CANARY.contains(before.get(m)) && STABLE.contains(after.get(m))).count();
    // Consistent hashing: the canary's ring entries grow and the stable side's shrink, so keys
    // only move onto the canary, about the 10 points of weight that changed hands.
    assertThat(movedToStable).isZero();
    assertThat(100.0 * movedToCanary / MERCHANTS).isCloseTo(10.0, within(SHARE_TOLERANCE));
  }

  @Test
  void withoutRingHash_cCoreSendsTheWholeSplitToItsLargerSide_soEveryMerchantStaysThere()
      throws Exception {
    mesh.apply(Policies.SERVICES + "---\n" + refundsSplit(10));
    Refunds client = client(ClientFamily.GRPC_CORE);
    mesh.awaitInSync(new ProxyGroup("checkout", ClientFamily.GRPC_CORE), CONVERGE);
    int merchants = 300;

    Map<String, String> before = refundAll(client, merchants);
    assertThat(share(before, STABLE)).isEqualTo(100.0);

    mesh.apply(refundsSplit(20));
    mesh.awaitInSync(new ProxyGroup("checkout", ClientFamily.GRPC_CORE), CONVERGE);

    // A weight change moves no merchant: they all stay on the larger side.
    assertThat(share(refundAll(client, merchants), STABLE)).isEqualTo(100.0);
  }
}
