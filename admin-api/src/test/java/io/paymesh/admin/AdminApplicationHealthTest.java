package io.paymesh.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.health.EtcdHealthCheck;
import io.paymesh.config.testing.EtcdExtension;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Starts the whole admin application against a real etcd and reads its admin /healthcheck, the
 * endpoint a load balancer or orchestrator polls: etcd healthy while it runs, unhealthy once it
 * is stopped, healthy again after it restarts.
 */
class AdminApplicationHealthTest {

  private static final Duration STATE_CHANGE_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP =
      new DropwizardAppExtension<>(
          AdminApplication.class,
          ResourceHelpers.resourceFilePath("admin-test.yaml"),
          // Lazily: the etcd port is known only once ETCD has started.
          ConfigOverride.config("etcd.endpoints[0]", ETCD::endpoint));

  @Test
  void healthcheck_whenEtcdAnswers_reportsEtcdHealthy() {
    // Awaited, not asserted once: the client's first request also opens its connection, which
    // on a loaded machine may not fit in one probe's timeout.
    await()
        .atMost(STATE_CHANGE_TIMEOUT)
        .untilAsserted(
            () -> {
              HealthReport report = healthcheck();
              assertThat(report.httpStatus()).isEqualTo(200);
              assertThat(report.etcd().path("healthy").asBoolean()).isTrue();
              assertThat(report.etcd().path("message").asText())
                  .matches("etcd \\[" + ETCD.endpoint() + "\\] answered at revision \\d+");
            });
  }

  @Test
  void healthcheck_afterEtcdStops_reportsEtcdUnhealthy_andRecoversWhenItRestarts()
      throws Exception {
    ETCD.stop();
    try {
      await()
          .atMost(STATE_CHANGE_TIMEOUT)
          .untilAsserted(
              () -> {
                HealthReport report = healthcheck();
                assertThat(report.httpStatus()).isEqualTo(500);
                assertThat(report.etcd().path("healthy").asBoolean()).isFalse();
                assertThat(report.etcd().path("message").asText())
                    .matches(
                        "etcd \\[" + ETCD.endpoint() + "\\] "
                            + "(did not answer within 3000ms|failed: .+)");
              });
    } finally {
      ETCD.start();
    }

    await()
        .atMost(STATE_CHANGE_TIMEOUT)
        .untilAsserted(() -> assertThat(healthcheck().httpStatus()).isEqualTo(200));
  }

  private record HealthReport(int httpStatus, JsonNode etcd) {}

  private static HealthReport healthcheck() throws Exception {
    try (Response response =
        APP.client()
            .target("http://127.0.0.1:" + APP.getAdminPort() + "/healthcheck")
            .request()
            .get()) {
      JsonNode body = JSON.readTree(response.readEntity(String.class));
      return new HealthReport(response.getStatus(), body.path(EtcdHealthCheck.NAME));
    }
  }
}
