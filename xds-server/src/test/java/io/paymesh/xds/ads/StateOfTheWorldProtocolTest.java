package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.paymesh.xds.metrics.XdsMetrics;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Requests go on to the library with the node the stream is bound to, one instance per stream:
 * the library keeps each type's latest request for as long as the stream lives.
 */
class StateOfTheWorldProtocolTest {
  private final StateOfTheWorldProtocol protocol = new StateOfTheWorldProtocol(new AdsStream(1,
      Optional.empty(), StreamAuthenticator.trustNodeClaims(),
      new ProxyStatusRegistry(Clock.systemUTC()), XdsMetrics.standalone()));

  @Test
  void everyRequest_carriesTheFirstRequestsNodeInstance_repeatedOrOmitted() {
    Node first = node();
    DiscoveryRequest clusters = request(Resources.V3.CLUSTER_TYPE_URL).setNode(first).build();
    assertThat(protocol.admit(clusters)).isEmpty();
    assertThat(protocol.onRequest(clusters).getNode()).isSameAs(first);

    // Envoy repeats its node on every request, parsed into a new instance each time.
    DiscoveryRequest listeners =
        request(Resources.V3.LISTENER_TYPE_URL).setNode(node()).build();
    assertThat(protocol.admit(listeners)).isEmpty();
    DiscoveryRequest forwarded = protocol.onRequest(listeners);
    assertThat(forwarded.getNode()).isSameAs(first);
    assertThat(forwarded).isEqualTo(listeners);

    DiscoveryRequest routes = request(Resources.V3.ROUTE_TYPE_URL).addResourceNames("r").build();
    assertThat(protocol.admit(routes)).isEmpty();
    assertThat(protocol.onRequest(routes).getNode()).isSameAs(first);
  }

  private static DiscoveryRequest.Builder request(String type) {
    return DiscoveryRequest.newBuilder().setTypeUrl(type);
  }

  private static Node node() {
    return Node.newBuilder().setId("checkout~pod-1").setCluster("checkout")
        .setUserAgentName("envoy").build();
  }
}
