package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import io.paymesh.xds.testing.ExternalXdsClient;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.translate.ClientFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shipped example policy (envoy-configs/examples/payments-policy.yaml), as it is, run end to
 * end by each gRPC client family as checkout: charges, refunds and reads reach the deployments
 * the policy names, over mTLS into the CDE, through RBAC, and no client refuses its config. Only
 * the ports differ: the example's proxyless payments servers listen on free loopback ports.
 */
class ExamplePolicyTrafficTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Path EXAMPLE =
      Path.of("..", "envoy-configs", "examples", "payments-policy.yaml");
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  private static final int MERCHANTS = 40;

  @TempDir Path dir;
  private SecureMesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = SecureMesh.startWithPlaintextAds(ETCD, dir, Duration.ofHours(1));
    int[] ports = LoopbackPorts.distinct(2);
    int v1 = ports[0];
    int v2 = ports[1];
    mesh.apply(examplePolicy(Map.of("payments-v1", v1, "payments-v2", v2)));
    mesh.backend("payments-v1", "payments-v1-1", v1, mesh.enrol("payments-v1").dir());
    mesh.backend("payments-v2", "payments-v2-1", v2, mesh.enrol("payments-v2").dir());
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  /** The example, with the given Services' port (and target port) moved to a free port. */
  private static String examplePolicy(Map<String, Integer> ports) throws Exception {
    String yaml = Files.readString(EXAMPLE);
    List<String> documents = new ArrayList<>();
    for (String document : yaml.split("\n---\n")) {
      for (Map.Entry<String, Integer> port : ports.entrySet()) {
        if (document.contains("kind: Service\nname: " + port.getKey() + "\n")) {
          String moved = document.replace("port: 8443, targetPort: 9090",
              "port: " + port.getValue() + ", targetPort: " + port.getValue());
          assertThat(moved).as("the example's %s port", port.getKey()).isNotEqualTo(document);
          document = moved;
        }
      }
      documents.add(document);
    }
    return String.join("\n---\n", documents);
  }

  /** Checkout as the family's client: (method, merchant) -> the backend that answered. */
  private BiFunction<String, String, String> checkout(ClientFamily family, Path identity)
      throws Exception {
    if (family == ClientFamily.GRPC_JAVA) {
      XdsTestClient client = mesh.client("checkout", "payments", identity);
      return (method, merchant) -> client.call(PaymentsRpc.unary(method),
          Map.of("x-merchant-id", merchant));
    }
    ExternalXdsClient client = mesh.externalClient(family == ClientFamily.GRPC_JS
        ? ExternalXdsClient.Family.GRPC_JS : ExternalXdsClient.Family.C_CORE, "checkout",
        identity);
    return (method, merchant) -> {
      ExternalXdsClient.Result result = client.call("payments",
          PaymentsRpc.SERVICE + "/" + method, Map.of("x-merchant-id", merchant), DEADLINE);
      assertThat(result.ok()).as("%s for %s: %s; log:%n%s", method, merchant, result,
          client.logTail()).isTrue();
      return result.reply();
    };
  }

  @ParameterizedTest
  @EnumSource(value = ClientFamily.class, names = {"GRPC_JAVA", "GRPC_JS", "GRPC_CORE"})
  void chargesRefundsAndReads_reachWhatThePolicyNames(ClientFamily family) throws Exception {
    BiFunction<String, String, String> checkout = checkout(family, mesh.enrol("checkout").dir());
    await().atMost(CONVERGE).ignoreExceptions()
        .until(() -> checkout.apply("Charge", "probe"), "payments-v1-1"::equals);

    Map<String, String> refunds = new HashMap<>();
    for (int m = 0; m < MERCHANTS; m++) {
      String merchant = "merchant-" + m;
      // Charges go to payments-v1 only.
      assertThat(checkout.apply("Charge", merchant)).isEqualTo("payments-v1-1");
      refunds.put(merchant, checkout.apply("Refund", merchant));
      assertThat(checkout.apply("GetPayment", merchant))
          .isIn("payments-v1-1", "payments-v2-1");
    }
    // Refunds split 50/50, sticky by merchant: asked again, each lands where it did.
    for (Map.Entry<String, String> refund : refunds.entrySet()) {
      assertThat(checkout.apply("Refund", refund.getKey())).isEqualTo(refund.getValue());
    }
    assertThat(Set.copyOf(refunds.values())).isEqualTo(family == ClientFamily.GRPC_CORE
        // Without ring hash the whole split goes to its first side (a 50/50 tie).
        ? Set.of("payments-v1-1")
        : Set.of("payments-v1-1", "payments-v2-1"));
    List<ProxyStatus> clients = mesh.server().proxies().connected().stream()
        .filter(p -> p.group().service().equals("checkout")).toList();
    assertThat(clients).singleElement().satisfies(status -> {
      assertThat(status.group().client()).isEqualTo(family);
      assertThat(status.nackCount()).as("NACKs: %s", status.lastNack()).isZero();
    });
  }
}
