package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.MetricRegistry;
import io.paymesh.xds.metrics.XdsMetrics;
import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ADS protocol rules paymesh adds to java-control-plane, driven through a real gRPC ADS
 * stream on loopback: NACKed versions are not re-sent, later requests may omit the node, and
 * ACKs/NACKs are recorded per stream.
 */
class AdsProtocolTest {
  private static final String LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
  private static final String RDS =
      "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  private static final String CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final String EDS =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  private static final String SDS =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";
  private static final Node NODE =
      Node.newBuilder().setId("checkout~1").setCluster("checkout").setUserAgentName("envoy").build();
  private static final ProxyGroup GROUP = new ProxyGroup("checkout", ClientFamily.ENVOY);

  private final SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
  private final ProxyStatusRegistry registry = new ProxyStatusRegistry(Clock.systemUTC());
  private final MetricRegistry metrics = new MetricRegistry();
  private final XdsMetrics xdsMetrics = new XdsMetrics(metrics);
  private AdsServer server;
  private ManagedChannel channel;
  private final BlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  private StreamObserver<DiscoveryRequest> requests;

  @BeforeEach
  void startServer() throws Exception {
    V3DiscoveryServer discovery = new V3DiscoveryServer(
        new NackAwareConfigWatcher(new RemovalAnsweringConfigWatcher(cache)));
    server =
        new AdsServer(
                new InetSocketAddress("127.0.0.1", 0),
                InsecureServerCredentials.create(),
                discovery,
                new AdsStreamInterceptor(
                    registry, xdsMetrics, StreamAuthenticator.trustNodeClaims(), new AtomicLong()),
                List.of())
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse response) {
                    responses.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
  }

  @AfterEach
  void stop() throws Exception {
    requests.onCompleted();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  private void publish(String... listenerNames) {
    List<Listener> listeners =
        java.util.Arrays.stream(listenerNames)
            .map(n -> Listener.newBuilder().setName(n).build())
            .toList();
    cache.setSnapshot(
        GROUP,
        SnapshotPublisher.toSnapshot(
            new GroupResources(listeners, List.of(), List.of(), List.of(), List.of())));
  }

  private DiscoveryResponse nextResponse() throws InterruptedException {
    DiscoveryResponse response = responses.poll(5, TimeUnit.SECONDS);
    assertThat(response).as("a response within 5s").isNotNull();
    return response;
  }

  private void assertNoResponseFor(Duration window) {
    await().during(window).atMost(window.plusSeconds(2)).until(responses::isEmpty);
  }

  /** Resources of one type named {@code names}, the rest of the group empty. */
  private static GroupResources named(String typeUrl, String... names) {
    List<String> n = List.of(names);
    return switch (typeUrl) {
      case LDS -> new GroupResources(
          n.stream().map(x -> Listener.newBuilder().setName(x).build()).toList(),
          List.of(), List.of(), List.of(), List.of());
      case RDS -> new GroupResources(List.of(),
          n.stream().map(x -> RouteConfiguration.newBuilder().setName(x).build()).toList(),
          List.of(), List.of(), List.of());
      case CDS -> new GroupResources(List.of(), List.of(),
          n.stream().map(x -> Cluster.newBuilder().setName(x).build()).toList(),
          List.of(), List.of());
      case EDS -> new GroupResources(List.of(), List.of(), List.of(),
          n.stream().map(x -> ClusterLoadAssignment.newBuilder().setClusterName(x).build())
              .toList(), List.of());
      case SDS -> new GroupResources(List.of(), List.of(), List.of(), List.of(),
          n.stream().map(x -> Secret.newBuilder().setName(x).build()).toList());
      default -> throw new IllegalArgumentException(typeUrl);
    };
  }

  /**
   * gRPC clients subscribe to listeners and clusters by name, every client to routes, endpoints
   * and secrets by name, and a client forgets a resource when it unsubscribes from it. A route
   * moving A -> B -> A makes it ask for A again at the version it already runs; xDS requires an
   * answer, since it holds nothing for A any more (grpc-js failed every RPC without one).
   */
  @ParameterizedTest
  @ValueSource(strings = {LDS, RDS, CDS, EDS, SDS})
  void resubscribingToANameDroppedEarlier_isAnswered_atAnUnchangedVersion(String type)
      throws Exception {
    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(type, "a", "b")));
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(type)
        .addResourceNames("a").build());
    DiscoveryResponse first = nextResponse();
    assertThat(names(first)).containsExactly("a");
    // For a while the client needs both, then only b.
    requests.onNext(ack(first, "a", "b"));
    DiscoveryResponse both = nextResponse();
    assertThat(names(both)).containsExactly("a", "b");
    requests.onNext(ack(both, "b"));
    assertNoResponseFor(Duration.ofSeconds(1));

    // And back to a.
    requests.onNext(ack(both, "a"));

    DiscoveryResponse third = nextResponse();
    assertThat(third.getVersionInfo()).isEqualTo(first.getVersionInfo());
    assertThat(names(third)).containsExactly("a");
  }

  /**
   * One push in flight per stream and type: while a proxy has not answered a response, newer
   * configs of that type wait, and when it answers it gets only the newest, never the ones in
   * between, so a slow proxy is not flooded and never applies a stale config after a newer one.
   */
  @ParameterizedTest
  @ValueSource(strings = {LDS, CDS})
  void untilAProxyAnswers_newerConfigsWait_andThenOnlyTheNewestIsSent(String type)
      throws Exception {
    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(type, "v1")));
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(type).build());
    DiscoveryResponse first = nextResponse();
    assertThat(names(first)).containsExactly("v1");

    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(type, "v2")));
    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(type, "v3")));
    assertNoResponseFor(Duration.ofSeconds(1));

    requests.onNext(ack(first));

    DiscoveryResponse newest = nextResponse();
    assertThat(names(newest)).containsExactly("v3");
    requests.onNext(ack(newest));
    assertNoResponseFor(Duration.ofSeconds(1));
  }

  /** A resource taken out of the config is left out of the next response: the client drops it. */
  @ParameterizedTest
  @ValueSource(strings = {LDS, CDS})
  void aRemovedResource_isLeftOutOfTheNextResponse(String type) throws Exception {
    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(type, "a", "b")));
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(type)
        .addResourceNames("a").addResourceNames("b").build());
    DiscoveryResponse both = nextResponse();
    assertThat(names(both)).containsExactly("a", "b");
    requests.onNext(ack(both, "a", "b"));

    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(type, "b")));

    DiscoveryResponse next = nextResponse();
    assertThat(next.getVersionInfo()).isNotEqualTo(both.getVersionInfo());
    assertThat(names(next)).containsExactly("b");
  }

  /**
   * A stream's config is in transit (its status record waits, docs/xds-server.md) from a type's
   * first request until the response to it is answered, and from each later push until its ACK
   * or NACK; a client resuming at the current version is not waiting for anything.
   */
  @Test
  void aStream_isInTransit_fromARequestOrAPush_untilTheProxyAnswersIt() throws Exception {
    // No config yet: the request waits for one.
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(CDS).build());
    await().untilAsserted(() -> assertThat(registry.latestOf(NODE.getId()))
        .hasValueSatisfying(status -> assertThat(status.unanswered()).containsExactly(CDS)));

    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(CDS, "a")));
    DiscoveryResponse first = nextResponse();
    requests.onNext(ack(first));
    await().untilAsserted(() -> assertThat(status().inTransit()).isFalse());
    assertThat(status().ackedVersions()).containsEntry(CDS, first.getVersionInfo());

    cache.setSnapshot(GROUP, SnapshotPublisher.toSnapshot(named(CDS, "b")));
    DiscoveryResponse second = nextResponse();
    // Recorded before the response left, so the client cannot have answered yet.
    assertThat(status().unanswered()).containsExactly(CDS);
    requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(CDS)
        .setVersionInfo(first.getVersionInfo()).setResponseNonce(second.getNonce())
        .setErrorDetail(Status.newBuilder().setCode(3).setMessage("cluster rejected"))
        .build());
    await().untilAsserted(() -> assertThat(status().inTransit()).isFalse());
    assertThat(status().lastNack()).isPresent();

    // Listeners, resumed at the version the client runs: the cache has nothing to send.
    requests.onNext(DiscoveryRequest.newBuilder().setTypeUrl(LDS)
        .setVersionInfo(SnapshotPublisher.toSnapshot(named(CDS, "b")).version(LDS)).build());
    await().untilAsserted(() -> assertThat(status().ackedVersions()).containsKey(LDS));
    assertThat(status().inTransit()).isFalse();
  }

  private ProxyStatusRegistry.ProxyStatus status() {
    return registry.latestOf(NODE.getId()).orElseThrow();
  }

  @Test
  void ackOfTheSameNames_isNotAnswered() throws Exception {
    publish("a", "b");
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(LDS)
        .addResourceNames("a").build());
    DiscoveryResponse first = nextResponse();

    requests.onNext(ack(first, "a"));

    assertNoResponseFor(Duration.ofSeconds(2));
    assertThat(metrics.counter("xds.acks").getCount()).isEqualTo(1);
  }

  /** An ACK of {@code response} that subscribes to {@code names} from now on. */
  private static DiscoveryRequest ack(DiscoveryResponse response, String... names) {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(response.getTypeUrl())
        .setVersionInfo(response.getVersionInfo())
        .setResponseNonce(response.getNonce())
        .addAllResourceNames(List.of(names))
        .build();
  }

  private static List<String> names(DiscoveryResponse response) throws Exception {
    List<String> names = new ArrayList<>();
    for (Any any : response.getResourcesList()) {
      names.add(switch (any.getTypeUrl()) {
        case LDS -> any.unpack(Listener.class).getName();
        case RDS -> any.unpack(RouteConfiguration.class).getName();
        case CDS -> any.unpack(Cluster.class).getName();
        case EDS -> any.unpack(ClusterLoadAssignment.class).getClusterName();
        case SDS -> any.unpack(Secret.class).getName();
        default -> throw new AssertionError(any.getTypeUrl());
      });
    }
    return names;
  }

  @Test
  void nackedVersion_isNotResent_untilTheConfigChanges() throws Exception {
    publish("bad-listener");
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(LDS).build());
    DiscoveryResponse first = nextResponse();

    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setTypeUrl(LDS)
            .setResponseNonce(first.getNonce())
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage("listener rejected"))
            .build());

    assertNoResponseFor(Duration.ofSeconds(2));
    assertThat(metrics.counter("xds.nacks").getCount()).isEqualTo(1);
    ProxyStatusRegistry.ProxyStatus status = registry.byNode("checkout~1").get(0);
    assertThat(status.lastNack()).hasValueSatisfying(nack -> {
      assertThat(nack.version()).isEqualTo(first.getVersionInfo());
      assertThat(nack.errorDetail()).isEqualTo("listener rejected");
    });

    publish("good-listener");
    DiscoveryResponse fixed = nextResponse();
    assertThat(fixed.getVersionInfo()).isNotEqualTo(first.getVersionInfo());
    assertThat(fixed.getResources(0).unpack(Listener.class).getName()).isEqualTo("good-listener");
  }

  @Test
  void processorCaSecret_isServedOverAdsSds_toTheSidecarThatNamesIt() throws Exception {
    Publishers.demandEveryGroup(
            new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, xdsMetrics),
            PolicyFixtures.snapshot())
        .publish(PolicyFixtures.snapshot());

    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE)
        .setTypeUrl("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret")
        .addResourceNames("psp-ca-bundle").build());

    DiscoveryResponse response = nextResponse();
    assertThat(response.getResourcesList()).singleElement().satisfies(any ->
        assertThat(any.unpack(Secret.class)).isEqualTo(Secret.newBuilder()
            .setName("psp-ca-bundle")
            .setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder()
                    .setFilename("/etc/ssl/certs/ca-certificates.crt")))
            .build()));
  }

  @Test
  void laterRequestsWithoutNode_areServedFromTheFirstRequestsNode() throws Exception {
    publish("v1");
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(LDS).build());
    DiscoveryResponse first = nextResponse();

    // The ACK omits the node, as xDS clients may after the first request of a stream.
    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setTypeUrl(LDS)
            .setVersionInfo(first.getVersionInfo())
            .setResponseNonce(first.getNonce())
            .build());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(registry.byNode("checkout~1").get(0).ackedVersions())
            .containsEntry(LDS, first.getVersionInfo()));

    publish("v2");
    DiscoveryResponse second = nextResponse();
    assertThat(second.getResources(0).unpack(Listener.class).getName()).isEqualTo("v2");
  }

  @Test
  void republishingTheSameContent_sendsNothingNew() throws Exception {
    publish("same");
    requests.onNext(DiscoveryRequest.newBuilder().setNode(NODE).setTypeUrl(LDS).build());
    DiscoveryResponse first = nextResponse();
    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setTypeUrl(LDS)
            .setVersionInfo(first.getVersionInfo())
            .setResponseNonce(first.getNonce())
            .build());

    publish("same");

    assertNoResponseFor(Duration.ofSeconds(1));
    assertThat(metrics.counter("xds.acks").getCount()).isEqualTo(1);
  }
}
