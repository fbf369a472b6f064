package io.paymesh.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /prometheus} on the admin port of the running app, after some API traffic. */
class PrometheusEndpointTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final Http ADMIN = new Http(() -> APP.getAdminPort());

  @Test
  void prometheus_rendersTheApplicationsMetrics_withoutAToken() {
    assertThat(HTTP.get("/v1/services").token(TestTokens.VIEWER).send().status()).isEqualTo(200);

    Http.Reply reply = ADMIN.get("/prometheus").send();

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).hasValueSatisfying(
        t -> assertThat(t.replace(" ", "")).isEqualToIgnoringCase("text/plain;version=0.0.4;charset=utf-8"));
    assertThat(reply.body())
        .containsPattern("(?m)^# TYPE org_eclipse_jetty_util_thread_QueuedThreadPool_dw_size gauge\n"
            + "org_eclipse_jetty_util_thread_QueuedThreadPool_dw_size [1-9]\\d*$")
        .contains("# TYPE io_dropwizard_jetty_MutableServletContextHandler_get_requests_seconds summary\n")
        .containsPattern("(?m)^io_dropwizard_jetty_MutableServletContextHandler_2xx_responses_total [1-9]\\d*$");
    // Every sample line is "name{labels} value".
    assertThat(reply.body().lines().filter(l -> !l.startsWith("#")))
        .allMatch(l -> l.matches("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{quantile=\"[0-9.]+\"\\})? \\S+"));
  }
}
