package io.paymesh.xds.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which ACKs count as a change converging on a stream, on a clock the test moves: the in-process
 * and end-to-end paths are in PrometheusMetricsTest.
 */
class ConvergenceTrackerTest {
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  private static final ProxyGroup CHECKOUT = ProxyGroup.proxyless("checkout");
  private static final long MS = 1_000_000;

  private record Observation(String typeUrl, double seconds) {}

  private final List<Observation> observed = new ArrayList<>();
  private long now = 1_000 * MS;
  private final ConvergenceTracker tracker = new ConvergenceTracker(
      (type, seconds) -> observed.add(new Observation(type, seconds)), () -> now);

  @Test
  void acked_whenAStreamAcksTheVersionOfAChange_observesTheTimeSinceItsPublishBegan() {
    ConvergenceTracker.StreamConvergence stream = tracker.opened(CHECKOUT);
    now += 5_000 * MS;
    long publishStart = tracker.now();
    tracker.published(CHECKOUT, RDS, "v2", 7, publishStart);
    now += 30 * MS;

    stream.acked(RDS, "v2");

    assertThat(observed).containsExactly(new Observation(RDS, 0.030));
  }

  @Test
  void acked_whenTheSameVersionIsAckedAgain_observesItOnce() {
    ConvergenceTracker.StreamConvergence stream = tracker.opened(CHECKOUT);
    now += MS;
    tracker.published(CHECKOUT, RDS, "v2", 7, tracker.now());

    stream.acked(RDS, "v2");
    stream.acked(RDS, "v2");

    assertThat(observed).hasSize(1);
  }

  @Test
  void acked_whenTheStreamOpenedAfterThePublishBegan_observesNothing() {
    tracker.published(CHECKOUT, RDS, "v2", 7, tracker.now());
    now += MS;
    ConvergenceTracker.StreamConvergence late = tracker.opened(CHECKOUT);

    late.acked(RDS, "v2");

    assertThat(observed).isEmpty();
  }

  @Test
  void acked_whenTheVersionWasSuperseded_observesOnlyTheNewerRevision() {
    ConvergenceTracker.StreamConvergence stream = tracker.opened(CHECKOUT);
    now += MS;
    tracker.published(CHECKOUT, RDS, "v2", 7, tracker.now());
    now += 10 * MS;
    long newer = tracker.now();
    tracker.published(CHECKOUT, RDS, "v3", 8, newer);
    now += 20 * MS;

    stream.acked(RDS, "v2");
    stream.acked(RDS, "v3");

    assertThat(observed).containsExactly(new Observation(RDS, 0.020));
  }

  @Test
  void acked_whenAnotherGroupOrTypeChanged_observesNothing() {
    ConvergenceTracker.StreamConvergence envoy = tracker.opened(ProxyGroup.sidecar("checkout"));
    ConvergenceTracker.StreamConvergence proxyless = tracker.opened(CHECKOUT);
    now += MS;
    tracker.published(CHECKOUT, RDS, "v2", 7, tracker.now());

    envoy.acked(RDS, "v2");
    proxyless.acked(CDS, "v2");

    assertThat(observed).isEmpty();
  }

  @Test
  void acked_whenAChangeReturnsToAnEarlierVersion_observesTheLaterRevision() {
    ConvergenceTracker.StreamConvergence stream = tracker.opened(CHECKOUT);
    now += MS;
    tracker.published(CHECKOUT, RDS, "a", 7, tracker.now());
    stream.acked(RDS, "a");
    tracker.published(CHECKOUT, RDS, "b", 8, tracker.now());
    stream.acked(RDS, "b");
    // Routed back: the same content, hence the same version, from a new revision.
    tracker.published(CHECKOUT, RDS, "a", 9, tracker.now());
    stream.acked(RDS, "a");

    assertThat(observed).hasSize(3);
  }
}
