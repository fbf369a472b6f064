package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.TestIdentity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The ADS port authenticates its clients: a stream is served only to a client certificate from
 * the mesh CA whose SPIFFE ID is the identity of the service it claims in {@code node.cluster},
 * under a node id of that service. Raw ADS streams over TLS against a real xds-server and etcd,
 * so a test sees exactly what a refused client receives: nothing but the refusal. Every case runs
 * on both ADS variants, state of the world and delta (DeltaAggregatedResources), which are held to
 * the same rules.
 */
class AdsAuthenticationTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @TempDir Path dir;
  private SecureMesh mesh;
  private final List<ManagedChannel> channels = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startMesh() throws Exception {
    mesh = SecureMesh.start(ETCD, dir, Duration.ofHours(1));
    mesh.apply(MtlsMeshTest.policy(18443));
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void clientClaimingItsOwnService_isServed(Variant variant) throws Exception {
    Stream stream = open(variant, trusting(certificateOf("checkout")),
        node("checkout~pod-1", "checkout"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !stream.resourceCounts.isEmpty());
    assertThat(stream.resourceCounts.get(0)).isPositive();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void checkoutsCertificate_claimingPaymentsV1_receivesNothing(Variant variant)
      throws Exception {
    Stream stream =
        open(variant, trusting(certificateOf("checkout")),
            node("payments-v1~pod-1", "payments-v1"));

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("payments-v1");
    assertThat(stream.resourceCounts).isEmpty();
    assertThat(mesh.server().proxies().byNode("payments-v1~pod-1")).isEmpty();
    assertThat(mesh.server().metrics().counter("xds.streams.refused").getCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ownServiceUnderAnotherServicesNodeId_isRefused(Variant variant) throws Exception {
    // node.id names the proxy's status record: checkout may not overwrite payments-v1's.
    Stream stream =
        open(variant, trusting(certificateOf("checkout")),
            node("payments-v1~pod-1", "checkout"));

    assertThat(stream.closed.get(10, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(stream.resourceCounts).isEmpty();
    assertThat(mesh.server().proxies().byNode("payments-v1~pod-1")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void clientWithoutCertificate_cannotOpenAStream(Variant variant) throws Exception {
    ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder()
        .trustManager(mesh.pki().bundleFile().toFile())
        .build();

    Stream stream = open(variant, noCertificate, node("checkout~pod-1", "checkout"));

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stream.resourceCounts).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void clientOlderThanItsFamilysTestedMinimum_isRefusedWithTheReason(Variant variant)
      throws Exception {
    Node oldGrpcJava = node("checkout~pod-1", "checkout").toBuilder()
        .setUserAgentName("gRPC Java").setUserAgentVersion("1.50.0").build();

    Stream stream = open(variant, trusting(certificateOf("checkout")), oldGrpcJava);

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).isEqualTo(
        "GRPC_JAVA 1.50.0 is older than the oldest version paymesh serves (1.60)");
    assertThat(stream.resourceCounts).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
  }

  private TestIdentity certificateOf(String service) {
    return mesh.pki().issue(SecureMesh.identityOf(service), Instant.now());
  }

  private ChannelCredentials trusting(TestIdentity identity) throws Exception {
    return TlsChannelCredentials.newBuilder()
        .keyManager(identity.keyManager())
        .trustManager(mesh.pki().bundleFile().toFile())
        .build();
  }

  private static Node node(String id, String cluster) {
    return Node.newBuilder().setId(id).setCluster(cluster).setUserAgentName("envoy").build();
  }

  /** The two ADS methods of the same service. */
  enum Variant { STATE_OF_THE_WORLD, DELTA }

  /**
   * A raw ADS stream of the variant whose first request asks, as {@code node}, for listeners
   * (state of the world) or every cluster (delta).
   */
  private Stream open(Variant variant, ChannelCredentials credentials, Node node) {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + mesh.adsPort(), credentials).build();
    channels.add(channel);
    AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub ads =
        AggregatedDiscoveryServiceGrpc.newStub(channel);
    Stream stream = new Stream();
    switch (variant) {
      case STATE_OF_THE_WORLD -> ads.streamAggregatedResources(
              stream.observer(DiscoveryResponse::getResourcesCount))
          .onNext(DiscoveryRequest.newBuilder()
              .setNode(node).setTypeUrl(Resources.V3.LISTENER_TYPE_URL).build());
      case DELTA -> ads.deltaAggregatedResources(
              stream.observer(DeltaDiscoveryResponse::getResourcesCount))
          .onNext(DeltaDiscoveryRequest.newBuilder()
              .setNode(node).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());
      default -> throw new AssertionError(variant);
    }
    return stream;
  }

  /** What the server sent on one stream (the resources in each response), and how it ended. */
  private static final class Stream {
    final List<Integer> resourceCounts = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    <T> StreamObserver<T> observer(ToIntFunction<T> resourcesIn) {
      return new StreamObserver<>() {
        @Override
        public void onNext(T response) {
          resourceCounts.add(resourcesIn.applyAsInt(response));
        }

        @Override
        public void onError(Throwable t) {
          closed.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          closed.complete(Status.OK);
        }
      };
    }
  }
}
