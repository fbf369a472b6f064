package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class JmxMetricsTest {
  @Test
  void export_makesTheGateRejectionCounterReadableOverJmx() throws Exception {
    MetricRegistry metrics = new MetricRegistry();
    metrics.counter("xds.gate.rejections").inc(3);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName(JmxMetrics.DOMAIN + ":name=xds.gate.rejections,type=counters");

    try (JmxReporter reporter = JmxMetrics.export(metrics)) {
      assertThat(server.getAttribute(name, "Count")).isEqualTo(3L);
      metrics.counter("xds.gate.rejections").inc();
      assertThat(server.getAttribute(name, "Count")).isEqualTo(4L);
    }
    assertThat(server.isRegistered(name)).isFalse();
  }
}
