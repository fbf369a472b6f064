package io.paymesh.admin.idempotency;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.ByteSequence;
import io.paymesh.admin.AdminApplication;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.TcpProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a 503 says about a write, against a real etcd reached through a proxy that can lose
 * answers: a write whose transaction etcd applied but never answered is reported as of unknown
 * outcome, and its retry under the same Idempotency-Key gets the original answer, applied once; a
 * write that failed before its transaction is reported as having changed nothing.
 */
class UnknownOutcomeTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  private static TcpProxy proxy;

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = new DropwizardAppExtension<>(
      AdminApplication.class,
      ResourceHelpers.resourceFilePath("admin-test.yaml"),
      ConfigOverride.config("etcd.endpoints[0]", () -> proxy().endpoint()),
      ConfigOverride.config("etcd.requestTimeout", "1s"));

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final KindSamples REPORTS = KindSamples.SERVICE;
  private static final Duration RECOVERY = Duration.ofSeconds(30);

  /** Created once etcd runs: the app's config reads its endpoint when the app starts. */
  private static synchronized TcpProxy proxy() {
    if (proxy == null) {
      try {
        proxy = TcpProxy.to(ETCD.endpoint());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return proxy;
  }

  @AfterAll
  static void closeProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @BeforeEach
  void baseline() throws Exception {
    // The admin API reaches etcd through the proxy, whose connection a previous test broke on
    // purpose: the client may still be reconnecting (503 UNCHANGED). The reset starts by
    // emptying etcd, so repeating it is safe.
    await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .untilAsserted(() -> AdminApp.resetToBaseline(ETCD, HTTP));
  }

  @AfterEach
  void heal() throws Exception {
    proxy().releaseAnswers();
    if (!ETCD.isRunning()) {
      ETCD.start();
    }
  }

  @Test
  void aWriteAppliedButNotAnswered_is503OutcomeUnknown_andItsRetryAnswersTheOriginal()
      throws Exception {
    // Only a commit's transaction carries an audit key.
    proxy().holdAnswersOnceSent(AdminApp.PREFIX + "audit/");

    Http.Reply lost = createReports("lost-answer");

    assertThat(proxy().isHoldingAnswers()).isTrue();
    assertThat(lost.status()).as(lost.toString()).isEqualTo(503);
    assertThat(lost.json().path("outcome").asText()).isEqualTo("UNKNOWN");
    assertThat(lost.json().path("message").asText())
        .contains("may or may not have been applied")
        .contains("Retry with the same Idempotency-Key");

    proxy().releaseAnswers();
    // etcd did apply it: this is the write a "retry later" used to hide.
    long applied = ETCD.client().getKVClient()
        .get(ByteSequence.from(AdminApp.PREFIX + "policy/services/reports", UTF_8))
        .get(10, TimeUnit.SECONDS).getKvs().get(0).getModRevision();

    Http.Reply retry = await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
        .until(() -> createReports("lost-answer"), reply -> reply.status() != 503);

    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).contains("true");
    assertThat(retry.json().has("revision")).isFalse();
    assertThat(retry.etag()).isEqualTo("\"" + applied + "\"");
    Http.Reply audit = HTTP.get("/v1/audit?kind=services&name=reports")
        .token(TestTokens.VIEWER).send();
    assertThat(audit.json().path("entries")).hasSize(1);
  }

  @Test
  void aWriteThatFailedBeforeItsTransaction_is503Unchanged_andItsRetryApplies() throws Exception {
    ETCD.stop();

    Http.Reply failed = createReports("etcd-down");

    assertThat(failed.status()).as(failed.toString()).isEqualTo(503);
    assertThat(failed.json().path("outcome").asText()).isEqualTo("UNCHANGED");
    assertThat(failed.json().path("message").asText()).contains("nothing was changed");

    ETCD.start();
    Http.Reply retry = await().atMost(RECOVERY).pollInterval(Duration.ofMillis(200))
        .until(() -> createReports("etcd-down"), reply -> reply.status() != 503);
    assertThat(retry.status()).as(retry.toString()).isEqualTo(201);
    assertThat(retry.header("Idempotent-Replayed")).isEmpty();
  }

  private static Http.Reply createReports(String key) {
    return HTTP.put(REPORTS.path()).token(REPORTS.token()).header("If-None-Match", "*")
        .header("Idempotency-Key", key).yaml(REPORTS.first()).send();
  }
}
