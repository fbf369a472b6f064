package io.paymesh.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrometheusTextFormatTest {

  @Test
  void render_writesCountersGaugesMetersAndTimers_inTextFormat004() {
    MetricRegistry registry = new MetricRegistry();
    registry.counter("paymesh.writes").inc(3);
    registry.gauge("jvm.threads.count", () -> () -> 42);
    registry.gauge("build.label", () -> () -> "not a number");
    registry.meter("io.dropwizard.jetty.5xx-responses").mark(2);
    Timer timer = registry.timer("requests.put");
    timer.update(250, TimeUnit.MILLISECONDS);
    timer.update(250, TimeUnit.MILLISECONDS);

    String text = PrometheusTextFormat.render(registry);

    assertThat(text).contains(
        "# HELP paymesh_writes_total Dropwizard metric paymesh.writes\n"
            + "# TYPE paymesh_writes_total counter\n"
            + "paymesh_writes_total 3\n");
    assertThat(text).contains("# TYPE jvm_threads_count gauge\njvm_threads_count 42\n");
    assertThat(text).doesNotContain("build_label");
    assertThat(text).contains("# TYPE io_dropwizard_jetty_5xx_responses_total counter\n"
        + "io_dropwizard_jetty_5xx_responses_total 2\n");
    assertThat(text).contains("# TYPE requests_put_seconds summary\n"
        + "requests_put_seconds{quantile=\"0.5\"} 0.25\n");
    assertThat(text).contains("requests_put_seconds_sum 0.5\nrequests_put_seconds_count 2\n");
  }

  @Test
  void sanitize_replacesCharactersPrometheusRejects() {
    assertThat(PrometheusTextFormat.sanitize("a.b-c/d:e_f9")).isEqualTo("a_b_c_d:e_f9");
    assertThat(PrometheusTextFormat.sanitize("9lives")).isEqualTo("_lives");
  }
}
