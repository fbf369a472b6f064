package io.paymesh.admin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.admin.AdminApplication;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path an operator's change takes: REST call -> etcd -> xds-server -> a real grpc-java
 * xDS client's RPCs, and back: the client's ACK recorded by the xds-server and shown by the API.
 */
class AdminToProxyTest {
  private static final String PREFIX = "/paymesh-e2e/";
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP =
      new DropwizardAppExtension<>(
          AdminApplication.class,
          ResourceHelpers.resourceFilePath("admin-test.yaml"),
          ConfigOverride.config("etcd.endpoints[0]", ETCD::endpoint),
          ConfigOverride.config("etcd.prefix", PREFIX));

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @Test
  void routeTableChangedThroughTheApi_movesTheClient_andProxiesShowsItsAck() throws Exception {
    try (Mesh mesh = Mesh.start(ETCD, PREFIX)) {
      mesh.backend("payments-a", "backend-a");
      mesh.backend("payments-b", "backend-b");
      Http.Reply applied = AdminApp.approveIfProposed(HTTP, HTTP.post("/v1/apply")
          .token(TestTokens.ADMIN).reason("set up checkout -> payments")
          .yaml(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a")).send());
      assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
      XdsTestClient client = mesh.client("checkout", "payments");
      await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
      String node = await().atMost(CONVERGE).until(AdminToProxyTest::checkoutNode, n -> n != null);
      String routesBefore = await().atMost(CONVERGE)
          .until(() -> ackedVersion(node, RDS), v -> !v.isEmpty());

      Http.Reply current = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send();
      Http.Reply changed = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
          .ifMatch(current.etag()).reason("move checkout's payments to deployment b")
          .yaml(Policies.routeAllTo("payments-b")).send();
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);

      await().atMost(CONVERGE).until(client::tryCharge, "backend-b"::equals);
      await().atMost(CONVERGE).untilAsserted(() -> {
        JsonNode config = HTTP.get("/v1/proxies/" + node + "/config")
            .token(TestTokens.VIEWER).send().json();
        assertThat(config.path("inSync").asBoolean()).as(config.path("versions").toString()).isTrue();
      });
      String routesAfter = ackedVersion(node, RDS);
      assertThat(routesAfter).isNotEqualTo(routesBefore);
      JsonNode audit = HTTP.get("/v1/audit?kind=routetables&name=payments")
          .token(TestTokens.VIEWER).send().json();
      assertThat(audit.toString()).contains("move checkout's payments to deployment b");
    }
  }

  /** The node id of the checkout client, as listed by {@code GET /v1/proxies}. */
  private static String checkoutNode() {
    for (JsonNode proxy : HTTP.get("/v1/proxies").token(TestTokens.VIEWER).send().json()) {
      if (proxy.path("service").asText().equals("checkout")) {
        return proxy.path("nodeId").asText();
      }
    }
    return null;
  }

  private static String ackedVersion(String node, String typeUrl) {
    for (JsonNode proxy : HTTP.get("/v1/proxies").token(TestTokens.VIEWER).send().json()) {
      if (proxy.path("nodeId").asText().equals(node)) {
        return proxy.path("ackedVersions").path(typeUrl).asText();
      }
    }
    return "";
  }
}
