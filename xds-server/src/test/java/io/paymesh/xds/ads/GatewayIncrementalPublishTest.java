package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.GatewayFixtures;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import org.junit.jupiter.api.Test;

/**
 * A Gateway is read through the recorded view by service: writing, changing or deleting one
 * rebuilds the Envoy group of the Service it names, and nothing else.
 */
class GatewayIncrementalPublishTest {
  private static final ProxyGroup EDGE = ProxyGroup.sidecar("edge");

  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
  private final SnapshotPublisher publisher =
      new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone());

  @Test
  void aGatewayWrittenChangedAndDeleted_rebuildsOnlyTheEdgeGroup() {
    Publishers.demandEveryGroup(publisher, GatewayFixtures.snapshot());
    publisher.publish(GatewayFixtures.snapshotWith(GatewayFixtures.edge()));
    assertThat(cache.getSnapshot(EDGE).listeners().resources()).containsOnlyKeys(
        "inbound|https", "outbound");

    publisher.publish(GatewayFixtures.snapshot());
    assertThat(publisher.lastRebuilt()).containsExactly(EDGE);
    assertThat(publisher.failingGroups()).doesNotContainKey(EDGE);
    assertThat(cache.getSnapshot(EDGE).listeners().resources()).containsOnlyKeys(
        "gateway|https", "gateway|https-alt");

    publisher.publish(GatewayFixtures.snapshotWith(GatewayFixtures.edge(),
        GatewayFixtures.gateway("public-api", GatewayFixtures.v1Deprecated())));
    assertThat(publisher.lastRebuilt()).containsExactly(EDGE);

    publisher.publish(GatewayFixtures.snapshotWith(GatewayFixtures.edge()));
    assertThat(publisher.lastRebuilt()).containsExactly(EDGE);
    assertThat(cache.getSnapshot(EDGE).listeners().resources().values())
        .extracting(Listener::getName).containsExactlyInAnyOrder("inbound|https", "outbound");
  }
}
