package io.paymesh.admin.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Idempotency-Key header on admin writes, through HTTP against a real etcd and two admin API
 * instances on it (as two replicas): a retry answers the original outcome and writes nothing, a
 * key reused for another request is refused, racing requests with one key commit once, and a
 * refused write stores nothing.
 */
class IdempotencyKeyTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  @RegisterExtension
  @Order(3)
  static final DropwizardAppExtension<AdminConfiguration> REPLICA = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final Http HTTP_REPLICA = new Http(() -> REPLICA.getLocalPort());
  private static final KindSamples REPORTS = KindSamples.SERVICE;
  private static final String KEY = "Idempotency-Key";
  private static final String REPLAYED = "Idempotent-Replayed";

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void aRetriedCreate_answersTheOriginalOutcome_andWritesNothing() throws Exception {
    Http.Reply first = createReports(HTTP, "create-reports-1");
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    assertThat(first.header(REPLAYED)).isEmpty();
    long revision = ETCD.currentRevision();

    Http.Reply retry = createReports(HTTP, "create-reports-1");

    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.etag()).isEqualTo(first.etag());
    assertThat(retry.header(REPLAYED)).contains("true");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
    assertThat(auditOfReports()).isEqualTo(1);
  }

  @Test
  void eachWriteEndpoint_replaysItsOwnAnswer() throws Exception {
    Http.Reply created = createReports(HTTP, "k-create");
    String etag = created.etag();
    String update = REPORTS.updated();

    Http.Reply updated = HTTP.put(REPORTS.path()).token(REPORTS.token()).ifMatch(etag)
        .header(KEY, "k-update").yaml(update).send();
    Http.Reply updatedAgain = HTTP.put(REPORTS.path()).token(REPORTS.token()).ifMatch(etag)
        .header(KEY, "k-update").yaml(update).send();
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updatedAgain.status()).isEqualTo(200);
    assertThat(updatedAgain.body()).isEqualTo(updated.body());
    assertThat(updatedAgain.header(REPLAYED)).contains("true");

    long createdAt = created.etagRevision();
    Http.Request rollback = HTTP.post(REPORTS.path() + "/rollback?to=" + createdAt)
        .token(REPORTS.token()).header(KEY, "k-rollback");
    Http.Reply rolledBack = rollback.send();
    Http.Reply rolledBackAgain = rollback.send();
    assertThat(rolledBack.status()).as(rolledBack.toString()).isEqualTo(200);
    assertThat(rolledBackAgain.body()).isEqualTo(rolledBack.body());
    assertThat(rolledBackAgain.etag()).isEqualTo(rolledBack.etag());
    assertThat(rolledBackAgain.header(REPLAYED)).contains("true");

    Http.Request delete = HTTP.delete(REPORTS.path()).token(REPORTS.token())
        .ifMatch(rolledBack.etag()).header(KEY, "k-delete");
    Http.Reply deleted = delete.send();
    Http.Reply deletedAgain = delete.send();
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deletedAgain.status()).as(deletedAgain.toString()).isEqualTo(200);
    assertThat(deletedAgain.body()).isEqualTo(deleted.body());

    Http.Request apply = HTTP.post("/v1/apply").token(REPORTS.token()).header(KEY, "k-apply")
        .yaml(REPORTS.first());
    Http.Reply applied = apply.send();
    Http.Reply appliedAgain = apply.send();
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    assertThat(appliedAgain.body()).isEqualTo(applied.body());
    assertThat(appliedAgain.header(REPLAYED)).contains("true");

    assertThat(auditOfReports()).isEqualTo(5);
  }

  @Test
  void aKeyUsedForADifferentRequest_isRefused_andChangesNothing() throws Exception {
    Http.Reply first = createReports(HTTP, "shared-key");
    long revision = ETCD.currentRevision();

    Http.Reply other = HTTP.put(REPORTS.path()).token(REPORTS.token()).ifMatch(first.etag())
        .header(KEY, "shared-key").yaml(REPORTS.updated()).send();

    assertThat(other.status()).as(other.toString()).isEqualTo(422);
    assertThat(other.json().path("errors").get(0).path("path").asText()).isEqualTo(KEY);
    assertThat(other.json().path("message").asText())
        .contains("already used for a different request (PUT /v1/services/reports at revision "
            + first.etagRevision() + ")");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void keysBelongToTheirCaller() throws Exception {
    createReports(HTTP, "same-text");

    Http.Reply byAnother = HTTP.put("/v1/services/reports-2").token(TestTokens.ADMIN)
        .header("If-None-Match", "*").header(KEY, "same-text")
        .yaml(REPORTS.first().replace("name: reports", "name: reports-2")).send();

    assertThat(byAnother.status()).as(byAnother.toString()).isEqualTo(201);
    assertThat(byAnother.header(REPLAYED)).isEmpty();
  }

  @Test
  void twoAdminApiInstances_shareTheKeys() throws Exception {
    Http.Reply first = createReports(HTTP, "across-replicas");
    long revision = ETCD.currentRevision();

    Http.Reply onReplica = createReports(HTTP_REPLICA, "across-replicas");

    assertThat(onReplica.status()).as(onReplica.toString()).isEqualTo(201);
    assertThat(onReplica.body()).isEqualTo(first.body());
    assertThat(onReplica.header(REPLAYED)).contains("true");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void racingRequestsWithOneKey_onBothInstances_commitOnce() throws Exception {
    int requests = 6;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try {
      List<Future<Http.Reply>> replies = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        Http http = i % 2 == 0 ? HTTP : HTTP_REPLICA;
        Callable<Http.Reply> apply = () -> {
          start.await();
          return http.post("/v1/apply").token(REPORTS.token()).header(KEY, "race")
              .yaml(REPORTS.first()).send();
        };
        replies.add(pool.submit(apply));
      }
      start.countDown();
      List<Http.Reply> answers = new ArrayList<>();
      for (Future<Http.Reply> reply : replies) {
        answers.add(reply.get(60, TimeUnit.SECONDS));
      }

      assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.toString()).isEqualTo(200));
      assertThat(answers).extracting(Http.Reply::body).containsOnly(answers.get(0).body());
      assertThat(answers).filteredOn(a -> a.header(REPLAYED).isEmpty()).hasSize(1);
      assertThat(auditOfReports()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRefusedWrite_storesNothing_soItsRetryIsEvaluatedAgain() throws Exception {
    // checkout does not declare fraud as a dependency (invariant 6): refused until it does.
    String etag = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send().etag();
    Http.Request toFraud = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .ifMatch(etag).header(KEY, "route-to-fraud")
        .yaml(PolicyDocs.paymentsRoutes("payments-v1", "fraud"));
    Http.Reply refused = toFraud.send();
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);

    Http.Reply checkout = HTTP.get("/v1/services/checkout").token(TestTokens.VIEWER).send();
    Http.Reply declared = HTTP.put("/v1/services/checkout").token(TestTokens.OPERATOR)
        .ifMatch(checkout.etag()).yaml(PolicyDocs.checkoutWithDependencies("payments, payments-v1, payments-v2, stripe, fraud")).send();
    assertThat(declared.status()).as(declared.toString()).isEqualTo(200);

    Http.Reply accepted = toFraud.send();
    assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
    assertThat(accepted.header(REPLAYED)).isEmpty();
  }

  @Test
  void aRetriedRevocation_answersTheOriginal_andRevokesOnce() throws Exception {
    Http.Request revoke = HTTP.post("/v1/identities/checkout/revoke").token(TestTokens.SECURITY)
        .reason("key compromised").header(KEY, "revoke-checkout");
    Http.Reply first = revoke.send();
    assertThat(first.status()).as(first.toString()).isEqualTo(200);
    long revision = ETCD.currentRevision();

    Http.Reply retry = revoke.send();

    assertThat(retry.status()).as(retry.toString()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.header(REPLAYED)).contains("true");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
    assertThat(auditOf("checkout", "REVOKE_IDENTITY")).isEqualTo(1);
  }

  @Test
  void aRetriedJoinToken_isNotIssuedTwice_andItsTokenIsNotShownAgain() throws Exception {
    Http.Request create = HTTP.post("/v1/identities/checkout/join-tokens")
        .token(TestTokens.SECURITY).reason("enrol checkout-7").header(KEY, "enrol-7")
        .json("{\"ttl\": \"10m\"}");
    Http.Reply first = create.send();
    assertThat(first.status()).as(first.toString()).isEqualTo(201);
    String token = first.json().path("token").asText();
    long revision = ETCD.currentRevision();

    Http.Reply retry = create.send();

    assertThat(retry.status()).as(retry.toString()).isEqualTo(409);
    assertThat(retry.header(REPLAYED)).contains("true");
    assertThat(retry.header("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    assertThat(retry.json().path("message").asText())
        .contains("already issued under this Idempotency-Key at revision "
            + first.json().path("revision").asLong())
        .contains("expires at " + first.json().path("expiresAt").asText());
    assertThat(retry.body()).doesNotContain(token);
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
    assertThat(auditOf("checkout", "ISSUE_JOIN_TOKEN")).isEqualTo(1);
  }

  @Test
  void aRetriedCdeChange_findsItsProposal_andAfterTheApprovalAnswersTheCommit() throws Exception {
    String ledgerCallers = "/v1/authorizationpolicies/ledger-callers";
    String etag = HTTP.get(ledgerCallers).token(TestTokens.VIEWER).send().etag();
    Http.Request propose = HTTP.put(ledgerCallers).token(TestTokens.SECURITY).ifMatch(etag)
        .reason("CHG-7 payments-v2 retired").header(KEY, "chg-7")
        .yaml(PolicyDocs.ledgerCallers("[payments-v1]"));

    Http.Reply proposed = propose.send();
    Http.Reply proposedAgain = HTTP_REPLICA.put(ledgerCallers).token(TestTokens.SECURITY)
        .ifMatch(etag).reason("CHG-7 payments-v2 retired").header(KEY, "chg-7")
        .yaml(PolicyDocs.ledgerCallers("[payments-v1]")).send();

    assertThat(proposed.status()).as(proposed.toString()).isEqualTo(202);
    assertThat(proposedAgain.status()).as(proposedAgain.toString()).isEqualTo(202);
    String id = proposed.json().path("id").asText();
    assertThat(proposedAgain.json().path("id").asText()).isEqualTo(id);
    assertThat(proposedAgain.header("Location").map(l -> URI.create(l).getPath()))
        .contains("/v1/proposals/" + id);
    assertThat(HTTP.get("/v1/proposals").token(TestTokens.VIEWER).send().json().path("items"))
        .extracting(p -> p.path("id").asText()).containsExactly(id);

    Http.Reply approved = HTTP.post("/v1/proposals/" + id + "/approve")
        .token(TestTokens.SECURITY_2).reason("CHG-7 reviewed").send();
    assertThat(approved.status()).as(approved.toString()).isEqualTo(200);
    long revision = ETCD.currentRevision();

    Http.Reply retriedAfterApproval = propose.send();

    assertThat(retriedAfterApproval.status()).as(retriedAfterApproval.toString()).isEqualTo(200);
    assertThat(retriedAfterApproval.header(REPLAYED)).contains("true");
    assertThat(retriedAfterApproval.etagRevision())
        .isEqualTo(approved.json().path("revision").asLong());
    assertThat(ETCD.currentRevision()).as("nothing proposed or written again").isEqualTo(revision);
    assertThat(HTTP.get("/v1/proposals").token(TestTokens.VIEWER).send().json().path("items"))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"has space", "tab\tinside", "a/b", "ünïcode", "",
      "0123456789012345678901234567890123456789012345678901234567890123456789"
          + "012345678901234567890123456789012345678901234567890123456789"})
  void aKeyOutsideTheCharsetOrTooLong_isRefusedWith400NamingTheHeader(String key)
      throws Exception {
    long revision = ETCD.currentRevision();

    Http.Reply reply = createReports(HTTP, key);

    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.json().path("errors").get(0).path("path").asText()).isEqualTo(KEY);
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  private static Http.Reply createReports(Http http, String key) {
    return http.put(REPORTS.path()).token(REPORTS.token()).header("If-None-Match", "*")
        .header(KEY, key).yaml(REPORTS.first()).send();
  }

  private static int auditOfReports() {
    Http.Reply audit = HTTP.get("/v1/audit?kind=services&name=reports").token(TestTokens.VIEWER)
        .send();
    assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
    return audit.json().path("entries").size();
  }

  private static long auditOf(String service, String operation) {
    Http.Reply audit = HTTP.get("/v1/audit?kind=services&name=" + service)
        .token(TestTokens.VIEWER).send();
    assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
    int count = 0;
    for (var entry : audit.json().path("entries")) {
      if (entry.path("operation").asText().equals(operation)) {
        count++;
      }
    }
    return count;
  }
}
