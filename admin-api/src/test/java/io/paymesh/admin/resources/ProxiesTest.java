package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.ByteSequence;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.inspect.ConfigDumper;
import io.paymesh.xds.status.NackRecord;
import io.paymesh.xds.status.ProxyStatusCodec;
import io.paymesh.xds.status.ProxyStatusRecord;
import io.paymesh.xds.translate.ProxyGroup;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /v1/proxies} through HTTP, from status records in etcd as the xds-server replicas write
 * them: the list, and a proxy's config with whether it ACKed the current version of each type.
 */
class ProxiesTest {

  private static final String NODE = "checkout~10.0.0.7";
  private static final Instant CONNECTED = Instant.parse("2026-11-23T03:00:00Z");

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void proxies_listsTheStatusRecordsOfEveryReplica() throws Exception {
    publish(record(NODE, "replica-a", Map.of(Resources.V3.CLUSTER_TYPE_URL, "c1"),
        Optional.of(new NackRecord(Resources.V3.ROUTE_TYPE_URL, "r9", "route: unknown cluster", CONNECTED)), 1));
    publish(record("payments-v1~10.0.0.8", "replica-b", Map.of(), Optional.empty(), 0));

    Http.Reply reply = HTTP.get("/v1/proxies").token(TestTokens.VIEWER).send();

    assertThat(reply.status()).isEqualTo(200);
    List<String> rows = new ArrayList<>();
    reply.json().forEach(p -> rows.add(p.path("nodeId").asText() + " " + p.path("replica").asText()));
    assertThat(rows).containsExactly(NODE + " replica-a", "payments-v1~10.0.0.8 replica-b");
    JsonNode checkout = reply.json().get(0);
    assertThat(checkout.path("service").asText()).isEqualTo("checkout");
    assertThat(checkout.path("client").asText()).isEqualTo("ENVOY");
    assertThat(checkout.path("form").asText()).isEqualTo("SIDECAR");
    assertThat(checkout.path("ackedVersions").path(Resources.V3.CLUSTER_TYPE_URL).asText()).isEqualTo("c1");
    assertThat(checkout.path("lastNack").path("errorDetail").asText()).isEqualTo("route: unknown cluster");
    assertThat(checkout.path("nackCount").asLong()).isEqualTo(1);
    assertThat(checkout.path("connectedAt").asText()).isEqualTo("2026-11-23T03:00:00Z");
  }

  @Test
  void proxyConfig_showsTheGroupsResources_andWhetherTheProxyAckedThem() throws Exception {
    Map<String, String> current = new ConfigDumper()
        .dump(repository().loadSnapshot(), ProxyGroup.sidecar("checkout")).versions();
    publish(record(NODE, "replica-a", current, Optional.empty(), 0));

    JsonNode inSync = HTTP.get("/v1/proxies/" + NODE + "/config").token(TestTokens.VIEWER).send().json();
    assertThat(inSync.path("service").asText()).isEqualTo("checkout");
    assertThat(inSync.path("client").asText()).isEqualTo("ENVOY");
    assertThat(inSync.path("form").asText()).isEqualTo("SIDECAR");
    assertThat(inSync.path("inSync").asBoolean()).isTrue();
    assertThat(inSync.path("versions")).hasSize(current.size());
    assertThat(inSync.path("violations")).isEmpty();
    List<String> resources = new ArrayList<>();
    inSync.path("resources").forEach(r -> resources.add(r.path("typeUrl").asText() + " " + r.path("name").asText()));
    assertThat(resources).contains(Resources.V3.CLUSTER_TYPE_URL + " payments-v1",
        Resources.V3.CLUSTER_TYPE_URL + " stripe");
    assertThat(inSync.toString()).contains("\"cluster\":\"payments-v1\"");

    // The policy moves on; the proxy has not ACKed the new routes yet.
    Http.Reply routes = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send();
    assertThat(HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR).ifMatch(routes.etag())
        .yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send().status()).isEqualTo(200);

    JsonNode behind = HTTP.get("/v1/proxies/" + NODE + "/config").token(TestTokens.VIEWER).send().json();
    assertThat(behind.path("inSync").asBoolean()).isFalse();
    for (JsonNode version : behind.path("versions")) {
      boolean isRoutes = version.path("typeUrl").asText().equals(Resources.V3.ROUTE_TYPE_URL);
      assertThat(version.path("match").asBoolean()).as(version.toString()).isEqualTo(!isRoutes);
      assertThat(version.path("acked").asText()).isEqualTo(current.get(version.path("typeUrl").asText()));
    }
  }

  @Test
  void proxyConfig_ofAnUnknownNode_is404() {
    Http.Reply reply = HTTP.get("/v1/proxies/nobody~1/config").token(TestTokens.VIEWER).send();
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().path("message").asText()).isEqualTo("no connected proxy with node id nobody~1");
  }

  private static ProxyStatusRecord record(String node, String replica, Map<String, String> acked,
      Optional<NackRecord> nack, long nacks) {
    return new ProxyStatusRecord(node, node.substring(0, node.indexOf('~')), "ENVOY", replica,
        acked, nack, nacks, CONNECTED, CONNECTED.plusSeconds(5));
  }

  /** Writes a record where an xds-server replica would (without its lease: the test controls it). */
  private static void publish(ProxyStatusRecord record) throws Exception {
    ETCD.client().getKVClient()
        .put(bytes(AdminApp.PREFIX + "status/proxies/" + record.nodeId()), bytes(ProxyStatusCodec.toJson(record)))
        .get(10, TimeUnit.SECONDS);
  }

  private static PolicyRepository repository() {
    return new PolicyRepository(ETCD.client(), AdminApp.PREFIX, new PolicyCodec());
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
