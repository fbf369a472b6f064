package io.paymesh.xds;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.jmx.JmxReporter;

/**
 * Publishes an xds-server's counters (pushes, Gate rejections, ACKs, NACKs) as JMX MBeans, so
 * monitoring reads them without the xds-server serving HTTP. One per process: MBean names are
 * global to the JVM.
 */
final class JmxMetrics {
  static final String DOMAIN = "paymesh.xds-server";

  private JmxMetrics() {}

  /** Starts exporting; close the reporter to unregister the MBeans. */
  static JmxReporter export(MetricRegistry metrics) {
    JmxReporter reporter = JmxReporter.forRegistry(metrics).inDomain(DOMAIN).build();
    reporter.start();
    return reporter;
  }
}
