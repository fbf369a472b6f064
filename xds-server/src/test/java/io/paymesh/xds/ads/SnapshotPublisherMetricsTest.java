package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.metrics.ConvergenceTracker;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

/**
 * What the publisher reports per policy change, read from the Prometheus registry and the JMX
 * counters: Gate rejections, published snapshots, rebuild time, and the revision behind each new
 * version (which convergence is timed from). The example policy's payments-v1 sidecar fails the
 * Gate (an unknown caller) until that AuthorizationPolicy is removed.
 */
class SnapshotPublisherMetricsTest {
  private static final ProxyGroup FIXED = ProxyGroup.sidecar("payments-v1");

  private final XdsMetrics metrics = XdsMetrics.standalone();
  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
  private final SnapshotPublisher publisher =
      new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, metrics);

  @Test
  void publish_countsGateRejectionsAndSnapshots_inBothExports() {
    Publishers.demandEveryGroup(publisher, PolicyFixtures.snapshot());
    publisher.publish(PolicyFixtures.snapshot());

    int failing = publisher.failingGroups().size();
    assertThat(failing).isPositive();
    assertThat(counter("paymesh_xds_gate_rejections")).isEqualTo(failing);
    assertThat(metrics.dropwizard().counter("xds.gate.rejections").getCount()).isEqualTo(failing);
    double published = counter("paymesh_xds_snapshots_published");
    assertThat(published).isPositive()
        .isEqualTo(metrics.dropwizard().counter("xds.snapshots.published").getCount());
    assertThat(histogramCount("paymesh_xds_policy_rebuild_seconds", "translate")).isEqualTo(1);
    assertThat(histogramCount("paymesh_xds_policy_rebuild_seconds", "gate")).isEqualTo(1);
  }

  @Test
  void publish_ofARevisionThatFixesAGroup_timesTheAckOfItsNewVersion() {
    Publishers.demandEveryGroup(publisher, PolicyFixtures.snapshot());
    publisher.publish(PolicyFixtures.snapshot());
    assertThat(cache.getSnapshot(FIXED)).as("refused by the Gate, never served").isNull();
    ConvergenceTracker.StreamConvergence waiting = metrics.convergence().opened(FIXED);

    publisher.publish(withoutUnknownCaller(2));
    String listeners = cache.getSnapshot(FIXED).version(Resources.V3.LISTENER_TYPE_URL);
    waiting.acked(Resources.V3.LISTENER_TYPE_URL, listeners);

    assertThat(histogramCount("paymesh_xds_proxy_convergence_seconds", "lds")).isEqualTo(1);
    // Another stream of the group opened after that publish: its first config is no change.
    metrics.convergence().opened(FIXED).acked(Resources.V3.LISTENER_TYPE_URL, listeners);
    assertThat(histogramCount("paymesh_xds_proxy_convergence_seconds", "lds")).isEqualTo(1);
  }

  private static PolicySnapshot withoutUnknownCaller(long revision) {
    return PolicySnapshot.builder(revision)
        .addAll(PolicyFixtures.resources().stream()
            .filter(p -> !p.name().equals("ledger-audit")).toList())
        .build();
  }

  private MetricSnapshot metric(String name) {
    return metrics.registry().scrape().stream()
        .filter(m -> m.getMetadata().getPrometheusName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no metric " + name));
  }

  private double counter(String name) {
    return ((CounterSnapshot) metric(name)).getDataPoints().get(0).getValue();
  }

  /** The observations of the histogram's series whose one label has this value. */
  private long histogramCount(String name, String labelValue) {
    return ((HistogramSnapshot) metric(name)).getDataPoints().stream()
        .filter(p -> p.getLabels().getValue(0).equals(labelValue))
        .mapToLong(HistogramSnapshot.HistogramDataPointSnapshot::getCount)
        .sum();
  }
}
