package io.paymesh.admin.resources;

import static io.paymesh.admin.resources.PolicyCrudTest.canonical;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.store.Actor;
import io.paymesh.config.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The audit log through HTTP (who, when, why, before/after, revision; paged) and rollback to an
 * earlier version, which goes through the same checks and is audited as ROLLBACK.
 */
class AuditRollbackTest {

  private static final String ROUTES = "/v1/routetables/payments";

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
  void audit_recordsActorReasonBeforeAndAfter_andPagesByRevision() throws Exception {
    long v2 = update(PolicyDocs.paymentsRouteTo("payments-v2"), "canary v2");
    long v3 = update(PolicyDocs.paymentsRouteTo("payments-v1"), null);

    JsonNode entries = HTTP.get("/v1/audit?kind=routetables&name=payments").token(TestTokens.VIEWER)
        .send().json().path("entries");
    assertThat(entries).hasSize(3);
    JsonNode created = entries.get(0);
    assertThat(created.path("operation").asText()).isEqualTo("CREATE");
    assertThat(created.path("actor").asText()).isEqualTo(TestTokens.ADMIN_NAME);
    assertThat(created.path("reason").asText()).isEqualTo("test baseline");
    assertThat(created.path("before").isNull()).isTrue();
    JsonNode update = entries.get(1);
    assertThat(update.path("revision").asLong()).isEqualTo(v2);
    assertThat(update.path("operation").asText()).isEqualTo("UPDATE");
    assertThat(update.path("actor").asText()).isEqualTo(TestTokens.OPERATOR_NAME);
    assertThat(update.path("reason").asText()).isEqualTo("canary v2");
    assertThat(update.path("before")).isEqualTo(canonical(PolicyDocs.paymentsRouteTo("payments-v1")));
    assertThat(update.path("after")).isEqualTo(canonical(PolicyDocs.paymentsRouteTo("payments-v2")));
    assertThat(update.path("at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    assertThat(entries.get(2).path("revision").asLong()).isEqualTo(v3);
    assertThat(entries.get(2).path("reason").isNull()).isTrue();

    // Unfiltered, two per page: the baseline commit (9 documents) is never split.
    List<Integer> pageSizes = new ArrayList<>();
    List<Long> revisions = new ArrayList<>();
    String after = "0";
    for (int page = 0; page < 10 && after != null; page++) {
      JsonNode body = HTTP.get("/v1/audit?limit=2&after=" + after).token(TestTokens.VIEWER).send().json();
      pageSizes.add(body.path("entries").size());
      body.path("entries").forEach(e -> revisions.add(e.path("revision").asLong()));
      after = body.path("nextAfter").isNull() ? null : body.path("nextAfter").asText();
    }
    assertThat(pageSizes).containsExactly(9, 2);
    assertThat(revisions).isSorted().endsWith(v2, v3);
  }

  @Test
  void rollback_restoresTheEarlierVersion_andIsAuditedAsRollback() throws Exception {
    long baseline = HTTP.get(ROUTES).token(TestTokens.VIEWER).send().etagRevision();
    update(PolicyDocs.paymentsRouteTo("payments-v2"), null);

    Http.Reply reply = HTTP.post(ROUTES + "/rollback?to=" + baseline).token(TestTokens.OPERATOR)
        .json("{\"reason\": \"v2 errors\"}").send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    long rolledBack = reply.json().path("revision").asLong();
    assertThat(reply.json().path("changes").get(0).path("operation").asText()).isEqualTo("ROLLBACK");
    Http.Reply now = HTTP.get(ROUTES).token(TestTokens.VIEWER).send();
    assertThat(now.json()).isEqualTo(canonical(PolicyDocs.paymentsRouteTo("payments-v1")));
    assertThat(now.etagRevision()).isEqualTo(rolledBack);

    JsonNode entries = HTTP.get("/v1/audit?kind=routetables&name=payments").token(TestTokens.VIEWER)
        .send().json().path("entries");
    JsonNode last = entries.get(entries.size() - 1);
    assertThat(last.path("operation").asText()).isEqualTo("ROLLBACK");
    assertThat(last.path("revision").asLong()).isEqualTo(rolledBack);
    assertThat(last.path("reason").asText()).isEqualTo("v2 errors");
    assertThat(last.path("actor").asText()).isEqualTo(TestTokens.OPERATOR_NAME);
    assertThat(last.path("before")).isEqualTo(canonical(PolicyDocs.paymentsRouteTo("payments-v2")));
  }

  @Test
  void rollback_toARevisionWithoutEntry_is404() {
    Http.Reply reply = HTTP.post(ROUTES + "/rollback?to=1").token(TestTokens.OPERATOR).send();
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().path("message").asText())
        .isEqualTo("no audit entry for RouteTable/payments at revision 1");
  }

  @Test
  void identityEntries_areListed_butRollingBackToThemIsRefused_andTheServiceStays()
      throws Exception {
    long issued = new JoinTokens(ETCD.client(), AdminApp.PREFIX)
        .create("checkout", new Actor("ops", null), Optional.of("enrol checkout")).revision();
    Http.Reply before = HTTP.get("/v1/services/checkout").token(TestTokens.VIEWER).send();

    JsonNode entries = HTTP.get("/v1/audit?kind=services&name=checkout")
        .token(TestTokens.VIEWER).send().json().path("entries");
    JsonNode last = entries.get(entries.size() - 1);
    assertThat(last.path("operation").asText()).isEqualTo("ISSUE_JOIN_TOKEN");
    assertThat(last.path("revision").asLong()).isEqualTo(issued);
    assertThat(last.path("reason").asText()).isEqualTo("enrol checkout");
    assertThat(last.path("before").isNull()).isTrue();
    assertThat(last.path("after").isNull()).isTrue();
    Http.Reply reply = HTTP.post("/v1/services/checkout/rollback?to=" + issued)
        .token(TestTokens.ADMIN).json("{\"reason\": \"undo\"}").send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(422);
    assertThat(reply.json().path("message").asText()).isEqualTo("the audit entry for "
        + "Service/checkout at revision " + issued + " is ISSUE_JOIN_TOKEN, which changed no "
        + "document: there is nothing to roll back to");
    Http.Reply after = HTTP.get("/v1/services/checkout").token(TestTokens.VIEWER).send();
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.etag()).isEqualTo(before.etag());
  }

  @Test
  void rollback_goesThroughTheGate() throws Exception {
    // Version 2 routes checkout to fraud; that version was accepted only because checkout then
    // declared fraud. Once checkout no longer does, restoring version 2 would break it.
    Http.Reply checkout = HTTP.get("/v1/services/checkout").token(TestTokens.VIEWER).send();
    String withFraud = PolicyDocs.checkoutWithDependencies("payments, payments-v1, payments-v2, stripe, fraud");
    Http.Reply widened = HTTP.put("/v1/services/checkout").token(TestTokens.OPERATOR)
        .ifMatch(checkout.etag()).yaml(withFraud).send();
    assertThat(widened.status()).as(widened.toString()).isEqualTo(200);
    long toFraud = update(PolicyDocs.paymentsRoutes("payments-v1", "fraud"), null);
    update(PolicyDocs.paymentsRoutes("payments-v1", "payments-v1"), null);
    Http.Reply narrowed = HTTP.put("/v1/services/checkout").token(TestTokens.OPERATOR)
        .ifMatch(widened.etag())
        .yaml(PolicyDocs.checkoutWithDependencies("payments, payments-v1, payments-v2, stripe")).send();
    assertThat(narrowed.status()).as(narrowed.toString()).isEqualTo(200);

    Http.Reply reply = HTTP.post(ROUTES + "/rollback?to=" + toFraud).token(TestTokens.OPERATOR).send();
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().path("errors").get(0).path("path").asText()).isEqualTo("gate");
  }

  /** Writes a new version of the payments RouteTable; returns its revision. */
  private static long update(String yaml, String reason) {
    Http.Reply current = HTTP.get(ROUTES).token(TestTokens.VIEWER).send();
    Http.Request put = HTTP.put(ROUTES).token(TestTokens.OPERATOR).ifMatch(current.etag()).yaml(yaml);
    if (reason != null) {
      put.reason(reason);
    }
    Http.Reply reply = put.send();
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    return reply.etagRevision();
  }
}
