package io.paymesh.admin.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminApplication;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * No token reaches any log at any level: with every logger at TRACE (Jetty, Jersey and Dropwizard
 * included) and the request log on, requests with tokens in the Authorization header, in the
 * query string and in a log message leave none of them in the application log or the request
 * log.
 */
class LogSafetyTest {

  private static final Path LOGS = tempDir();
  private static final Path APP_LOG = LOGS.resolve("app.log");
  private static final Path REQUEST_LOG = LOGS.resolve("requests.log");
  private static final String UNKNOWN_TOKEN = "unknown-token-4f1d9c";
  private static final String START = "log-safety-test: requests start";
  private static final String END = "log-safety-test: requests done";

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = new DropwizardAppExtension<>(
      AdminApplication.class,
      ResourceHelpers.resourceFilePath("admin-log-safety.yaml"),
      ConfigOverride.config("etcd.endpoints[0]", ETCD::endpoint),
      ConfigOverride.config("logging.appenders[0].currentLogFilename", APP_LOG.toString()),
      ConfigOverride.config("server.requestLog.appenders[0].currentLogFilename",
          REQUEST_LOG.toString()));

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @Test
  void tokens_inHeaderQueryOrMessage_appearInNoLog_atTrace() throws Exception {
    KindSamples sample = KindSamples.ROUTE_TABLE;
    LoggerFactory.getLogger(LogSafetyTest.class).info(START);
    assertThat(HTTP.get("/v1/services").token(TestTokens.VIEWER).send().status()).isEqualTo(200);
    assertThat(HTTP.put(sample.path()).token(TestTokens.OPERATOR).header("If-None-Match", "*")
        .reason("log safety").yaml(sample.first()).send().status()).isEqualTo(201);
    assertThat(HTTP.get("/v1/services?access_token=" + TestTokens.ADMIN).send().status())
        .isEqualTo(401);
    assertThat(HTTP.put(sample.path() + "?dryRun=true&Token=" + TestTokens.ADMIN)
        .token(TestTokens.OPERATOR).yaml(sample.first()).send().status()).isEqualTo(401);
    assertThat(HTTP.get("/v1/nowhere").token(UNKNOWN_TOKEN).send().status()).isEqualTo(401);
    assertThat(HTTP.get("/v1/audit").token(TestTokens.ADMIN).send().status()).isEqualTo(200);
    // A careless log line of our own, at the most and least verbose levels.
    org.slf4j.Logger careless = LoggerFactory.getLogger("io.paymesh.admin.careless");
    careless.trace("calling with Authorization: Bearer {}", TestTokens.ADMIN);
    careless.error("retrying GET /v1/services?api_key={}&limit=5", TestTokens.OPERATOR);
    careless.info(END);

    await().atMost(Duration.ofSeconds(20)).until(() -> read(APP_LOG).contains(END)
        && read(REQUEST_LOG).contains("Token=REDACTED"));
    String appLog = read(APP_LOG);
    String requestLog = read(REQUEST_LOG);

    for (String token : List.of(TestTokens.VIEWER, TestTokens.OPERATOR, TestTokens.ADMIN,
        UNKNOWN_TOKEN)) {
      assertThat(appLog).as("application log").doesNotContain(token);
      assertThat(requestLog).as("request log").doesNotContain(token);
    }
    // The logs were written, at TRACE, and the redacted lines are there.
    assertThat(requestLog).contains("GET /v1/services?access_token=REDACTED")
        .contains("PUT /v1/routetables/fraud?dryRun=true&Token=REDACTED");
    assertThat(appLog).contains("TRACE").contains("calling with Authorization: Bearer REDACTED")
        .contains("retrying GET /v1/services?api_key=REDACTED&limit=5");
    // While serving requests, Jetty and Jersey below INFO are dropped whatever their configured
    // level. (Before the guard is installed, at start-up, they log how they are assembled.)
    String whileServing = appLog.substring(appLog.indexOf(START));
    assertThat(whileServing).doesNotContainPattern(
        "(TRACE|DEBUG)\\s+\\[[^\\]]*\\] (org\\.eclipse\\.jetty|org\\.glassfish|io\\.dropwizard)");
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("paymesh-log-safety");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static {
    // Referenced so the fixture class stays the one source of the baseline path.
    AdminApp.class.getName();
  }
}
