package io.paymesh.admin.resources;

import static io.paymesh.admin.resources.PolicyCrudTest.errors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Plan, dry run and apply through HTTP: the plan names the groups and Envoy resources a change
 * moves, writes nothing; apply is all or nothing; writes that would break a group passing the
 * Gate, or touch the CDE without a reason, are refused with 422.
 */
class PlanApplyTest {

  private static final String ROUTE_CONFIGURATION =
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";

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
  void plan_ofARouteTargetChange_showsTheNewClusterInTheCallersRoutes_andWritesNothing()
      throws Exception {
    long before = ETCD.currentRevision();
    Http.Reply reply = HTTP.post("/v1/plan").token(TestTokens.VIEWER)
        .yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    JsonNode plan = reply.json();
    assertThat(plan.path("valid").asBoolean()).isTrue();
    assertThat(plan.path("errors")).isEmpty();
    assertThat(plan.path("documents").get(0).path("operation").asText()).isEqualTo("UPDATE");
    // Only checkout calls the host payments: its groups, and no other, change.
    assertThat(groups(plan)).containsExactlyInAnyOrder(
        "checkout/ENVOY/SIDECAR", "checkout/GRPC_JAVA/PROXYLESS", "checkout/GRPC_JS/PROXYLESS",
        "checkout/GRPC_CORE/PROXYLESS");
    for (JsonNode group : plan.path("groups")) {
      assertThat(group.path("newlyFailing").asBoolean()).isFalse();
      JsonNode routes = changeOfType(group, ROUTE_CONFIGURATION);
      assertThat(routes.path("type").asText()).isEqualTo("CHANGED");
      List<String> added = lines(routes.path("diff").asText(), "+");
      List<String> removed = lines(routes.path("diff").asText(), "-");
      assertThat(added).anyMatch(l -> l.contains("\"cluster\"") && l.contains("payments-v2"));
      assertThat(removed).anyMatch(l -> l.contains("\"cluster\"") && l.contains("payments-v1"));
    }
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void plan_ofAnInvalidBundle_reportsEveryError_withTheDocumentIndex() {
    Http.Reply reply = HTTP.post("/v1/plan").token(TestTokens.VIEWER)
        .yaml(KindSamples.SERVICE.first() + "---\n" + KindSamples.ROUTE_TABLE.first().replace("timeout: 2s", "timeout: 0s"))
        .send();
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("valid").asBoolean()).isFalse();
    assertThat(errors(reply)).containsExactly("documents[1].routes[score].timeout: must be > 0");
  }

  @Test
  void dryRun_returnsThePlan_andWritesNothing() throws Exception {
    Http.Reply current = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send();
    long before = ETCD.currentRevision();

    Http.Reply reply = HTTP.put("/v1/routetables/payments?dryRun=true").token(TestTokens.OPERATOR)
        .ifMatch(current.etag()).yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.json().path("valid").asBoolean()).isTrue();
    assertThat(groups(reply.json())).containsExactlyInAnyOrder(
        "checkout/ENVOY/SIDECAR", "checkout/GRPC_JAVA/PROXYLESS", "checkout/GRPC_JS/PROXYLESS",
        "checkout/GRPC_CORE/PROXYLESS");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send().etag())
        .isEqualTo(current.etag());

    Http.Reply delete = HTTP.delete("/v1/services/fraud?dryRun=true").token(TestTokens.OPERATOR).send();
    assertThat(delete.status()).as(delete.toString()).isEqualTo(200);
    assertThat(delete.json().path("documents").get(0).path("operation").asText()).isEqualTo("DELETE");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void apply_withOneInvalidDocument_writesNothing() throws Exception {
    long before = ETCD.currentRevision();
    String bundle = Stream.of(KindSamples.SERVICE.first(), KindSamples.PAYMENT_PROCESSOR.first(),
            KindSamples.RATE_LIMIT_POLICY.first().replace("burst: 200", "burst: -1"))
        .reduce((a, b) -> a + "---\n" + b).orElseThrow();

    Http.Reply reply = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).yaml(bundle).send();

    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().path("message").asText()).isEqualTo("the documents are invalid");
    assertThat(errors(reply)).hasSize(1).allMatch(e -> e.startsWith("documents[2].limits[per-caller].burst: "));
    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(HTTP.get(KindSamples.SERVICE.path()).token(TestTokens.VIEWER).send().status()).isEqualTo(404);
  }

  @Test
  void apply_ofAValidBundle_writesEveryDocumentAtOneRevision() {
    String bundle = "[" + String.join(",", json(KindSamples.SERVICE), json(KindSamples.ROUTE_TABLE),
        json(KindSamples.RATE_LIMIT_POLICY)) + "]";
    Http.Reply reply = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).json(bundle).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    long revision = reply.json().path("revision").asLong();
    List<String> written = new ArrayList<>();
    reply.json().path("changes").forEach(c -> {
      written.add(c.path("kind").asText() + "/" + c.path("name").asText() + " " + c.path("operation").asText());
      assertThat(c.path("revision").asLong()).isEqualTo(revision);
    });
    assertThat(written).containsExactly(
        "Service/reports CREATE", "RouteTable/fraud CREATE", "RateLimitPolicy/fraud-limits CREATE");
    for (KindSamples sample : List.of(KindSamples.SERVICE, KindSamples.ROUTE_TABLE, KindSamples.RATE_LIMIT_POLICY)) {
      assertThat(HTTP.get(sample.path()).token(TestTokens.VIEWER).send().etag()).isEqualTo("\"" + revision + "\"");
    }
  }

  @Test
  void write_thatBreaksAGroupPassingTheGate_isRefusedWith422() throws Exception {
    // checkout does not declare fraud as a dependency (invariant 6).
    Http.Reply current = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send();
    long before = ETCD.currentRevision();

    Http.Reply reply = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .ifMatch(current.etag()).yaml(PolicyDocs.paymentsRoutes("payments-v1", "fraud")).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(reply.json().path("message").asText()).isEqualTo("the change is refused");
    assertThat(reply.json().path("errors")).isNotEmpty();
    for (JsonNode error : reply.json().path("errors")) {
      assertThat(error.path("path").asText()).isEqualTo("gate");
      assertThat(error.path("message").asText()).startsWith("group checkout (").contains("fraud");
    }
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void creatingAServiceWhoseConfigFailsTheGate_isRefusedWith422() throws Exception {
    // A new service would never get a config if the xds-servers refuse it: refuse it here.
    long before = ETCD.currentRevision();

    Http.Reply reply = HTTP.put("/v1/services/refunds").token(TestTokens.OPERATOR).yaml("""
        kind: Service
        name: refunds
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: spiffe://paymesh.local/ns/payments/sa/refunds
          pciScope: CONNECTED
          dependencies: [no-such-service]
        """).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(reply.json().path("errors")).isNotEmpty().allSatisfy(error -> {
      assertThat(error.path("path").asText()).isEqualTo("gate");
      assertThat(error.path("message").asText()).startsWith("group refunds (")
          .contains("no-such-service");
    });
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void write_touchingACdeService_needsAReason() throws Exception {
    Http.Reply current = HTTP.get("/v1/authorizationpolicies/ledger-callers").token(TestTokens.VIEWER).send();
    String body = """
        kind: AuthorizationPolicy
        name: ledger-callers
        spec:
          service: ledger
          rules:
            - name: payments
              callers: [payments-v1]
              to: [{methods: [POST], paths: [{prefix: /ledger.v1.Ledger/}]}]
        """;
    long before = ETCD.currentRevision();

    Http.Reply refused = HTTP.put("/v1/authorizationpolicies/ledger-callers").token(TestTokens.SECURITY)
        .ifMatch(current.etag()).yaml(body).send();
    assertThat(refused.status()).isEqualTo(422);
    assertThat(errors(refused)).containsExactly(
        "reason: required: the change touches CDE service(s) ledger (send the X-Paymesh-Reason header)");
    assertThat(ETCD.currentRevision()).isEqualTo(before);

    Http.Reply proposed = HTTP.put("/v1/authorizationpolicies/ledger-callers").token(TestTokens.SECURITY)
        .ifMatch(current.etag()).reason("CHG-1234 payments-v2 retired").yaml(body).send();
    assertThat(proposed.status()).as("a CDE security change waits for four eyes").isEqualTo(202);
    Http.Reply approved = AdminApp.approveIfProposed(HTTP, proposed);
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    JsonNode entries = HTTP.get("/v1/audit?kind=authorizationpolicies&name=ledger-callers")
        .token(TestTokens.VIEWER).send().json().path("entries");
    JsonNode last = entries.get(entries.size() - 1);
    assertThat(last.path("reason").asText()).isEqualTo("CHG-1234 payments-v2 retired");
    assertThat(last.path("actor").asText()).isEqualTo(TestTokens.SECURITY_NAME);
  }

  @Test
  void apply_ofABundleTheGateRefuses_writesNone_ofItsDocuments() throws Exception {
    long before = ETCD.currentRevision();
    // reports is valid on its own; the route to fraud breaks checkout, which passes the Gate.
    Http.Reply reply = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).reason("CHG-4")
        .yaml(KindSamples.SERVICE.first() + "---\n" + PolicyDocs.paymentsRouteTo("fraud"))
        .send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(errors(reply)).anyMatch(e -> e.startsWith("gate: group checkout"));
    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send().status())
        .isEqualTo(404);
  }

  @Test
  void apply_withExpectedRevisions_refusesTheBundle_namingEveryDocumentThatMoved_412()
      throws Exception {
    long routes = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send()
        .etagRevision();
    long checkout = HTTP.get("/v1/services/checkout").token(TestTokens.VIEWER).send()
        .etagRevision();
    String service = json(KindSamples.SERVICE);
    String route = new io.paymesh.config.codec.PolicyCodec().toJson(
        new io.paymesh.config.codec.PolicyCodec().decode(PolicyDocs.paymentsRouteTo("payments-v2")));
    long before = ETCD.currentRevision();

    // The route table is guarded one revision behind, reports as absent though it is absent:
    // only the route table moved.
    Http.Reply stale = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).reason("CHG-3")
        .json("{\"documents\": [" + service + ", " + route + "], \"expectedRevisions\": "
            + "{\"RouteTable/payments\": " + (routes - 1) + ", \"Service/reports\": 0}}")
        .send();
    assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
    assertThat(stale.json().path("message").asText())
        .contains("RouteTable/payments is at revision " + routes)
        .doesNotContain("Service/reports");
    assertThat(ETCD.currentRevision()).isEqualTo(before);

    // Two guards wrong: both are named at once.
    Http.Reply twoMoved = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).reason("CHG-3")
        .json("{\"documents\": [" + service + ", " + route + "], \"expectedRevisions\": "
            + "{\"RouteTable/payments\": " + (routes - 1) + ", \"Service/reports\": "
            + checkout + "}}")
        .send();
    assertThat(twoMoved.status()).as(twoMoved.toString()).isEqualTo(412);
    assertThat(errors(twoMoved)).hasSize(2)
        .anyMatch(e -> e.startsWith("RouteTable/payments: "))
        .anyMatch(e -> e.startsWith("Service/reports: Service/reports does not exist"));
    assertThat(ETCD.currentRevision()).isEqualTo(before);

    Http.Reply guarded = HTTP.post("/v1/apply").token(TestTokens.OPERATOR).reason("CHG-3")
        .json("{\"documents\": [" + service + ", " + route + "], \"expectedRevisions\": "
            + "{\"RouteTable/payments\": " + routes + ", \"Service/reports\": 0}}")
        .send();
    assertThat(guarded.status()).as(guarded.toString()).isEqualTo(200);
  }

  @Test
  void apply_withAnExpectedRevisionOfNoDocumentInTheBundle_is422() {
    Http.Reply reply = HTTP.post("/v1/apply").token(TestTokens.OPERATOR)
        .json("{\"documents\": [" + json(KindSamples.SERVICE) + "], \"expectedRevisions\": "
            + "{\"Service/report\": 0, \"Service/reports\": -1}}")
        .send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(errors(reply)).containsExactlyInAnyOrder(
        "expectedRevisions[Service/report]: names no document of the bundle",
        "expectedRevisions[Service/reports]: must be a revision >= 0 (0: must not exist)");
  }

  private static String json(KindSamples sample) {
    try {
      io.paymesh.config.codec.PolicyCodec codec = new io.paymesh.config.codec.PolicyCodec();
      return codec.toJson(codec.decode(sample.first()));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> groups(JsonNode plan) {
    List<String> groups = new ArrayList<>();
    plan.path("groups").forEach(g -> groups.add(g.path("service").asText() + "/"
        + g.path("client").asText() + "/" + g.path("form").asText()));
    return groups;
  }

  private static JsonNode changeOfType(JsonNode group, String typeUrl) {
    for (JsonNode change : group.path("changes")) {
      if (change.path("typeUrl").asText().equals(typeUrl)) {
        return change;
      }
    }
    throw new AssertionError("no " + typeUrl + " change in " + group);
  }

  private static List<String> lines(String diff, String sign) {
    return diff.lines().filter(l -> l.startsWith(sign) && !l.startsWith(sign + sign + sign)).toList();
  }
}
