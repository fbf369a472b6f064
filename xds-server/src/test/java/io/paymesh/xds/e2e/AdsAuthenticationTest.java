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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ADS port authenticates its clients: a stream is served only to a client certificate from
 * the mesh CA whose SPIFFE ID is the identity of the service it claims in {@code node.cluster},
 * under a node id of that service. Raw ADS streams over TLS against a real xds-server and etcd,
 * so a test sees exactly what a refused client receives: nothing but the refusal. A delta stream
 * (DeltaAggregatedResources) is held to the same rules.
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

  @Test
  void clientClaimingItsOwnService_isServed() throws Exception {
    Stream<DiscoveryResponse> stream =
        open(trusting(certificateOf("checkout")), node("checkout~pod-1", "checkout"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !stream.responses.isEmpty());
    assertThat(stream.responses.get(0).getResourcesCount()).isPositive();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isNotEmpty();
  }

  @Test
  void checkoutsCertificate_claimingPaymentsV1_receivesNothing() throws Exception {
    Stream<DiscoveryResponse> stream =
        open(trusting(certificateOf("checkout")), node("payments-v1~pod-1", "payments-v1"));

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("payments-v1");
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("payments-v1~pod-1")).isEmpty();
    assertThat(mesh.server().metrics().counter("xds.streams.refused").getCount()).isEqualTo(1);
  }

  @Test
  void ownServiceUnderAnotherServicesNodeId_isRefused() throws Exception {
    // node.id names the proxy's status record: checkout may not overwrite payments-v1's.
    Stream<DiscoveryResponse> stream =
        open(trusting(certificateOf("checkout")), node("payments-v1~pod-1", "checkout"));

    assertThat(stream.closed.get(10, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("payments-v1~pod-1")).isEmpty();
  }

  @Test
  void clientWithoutCertificate_cannotOpenAStream() throws Exception {
    ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder()
        .trustManager(mesh.pki().bundleFile().toFile())
        .build();

    Stream<DiscoveryResponse> stream =
        open(noCertificate, node("checkout~pod-1", "checkout"));

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
  }

  @Test
  void clientOlderThanItsFamilysTestedMinimum_isRefusedWithTheReason() throws Exception {
    Node oldGrpcJava = node("checkout~pod-1", "checkout").toBuilder()
        .setUserAgentName("gRPC Java").setUserAgentVersion("1.50.0").build();

    Stream<DiscoveryResponse> stream = open(trusting(certificateOf("checkout")), oldGrpcJava);

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).isEqualTo(
        "GRPC_JAVA 1.50.0 is older than the oldest version paymesh serves (1.60)");
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
  }

  @Test
  void delta_clientClaimingItsOwnService_isServed() throws Exception {
    Stream<DeltaDiscoveryResponse> stream =
        openDelta(trusting(certificateOf("checkout")), node("checkout~pod-1", "checkout"));

    await().atMost(Duration.ofSeconds(10)).until(() -> !stream.responses.isEmpty());
    assertThat(stream.responses.get(0).getResourcesCount()).isPositive();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isNotEmpty();
  }

  @Test
  void delta_clientWithoutCertificate_isRefused_andReceivesNothing() throws Exception {
    ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder()
        .trustManager(mesh.pki().bundleFile().toFile())
        .build();

    Stream<DeltaDiscoveryResponse> stream =
        openDelta(noCertificate, node("checkout~pod-1", "checkout"));

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
    assertThat(mesh.server().metrics().counter("xds.streams.refused").getCount()).isEqualTo(1);
  }

  @Test
  void delta_checkoutsCertificate_claimingPaymentsV1_isRefused_andReceivesNothing()
      throws Exception {
    Stream<DeltaDiscoveryResponse> stream = openDelta(
        trusting(certificateOf("checkout")), node("payments-v1~pod-1", "payments-v1"));

    Status status = stream.closed.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("payments-v1");
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("payments-v1~pod-1")).isEmpty();
    assertThat(mesh.server().metrics().counter("xds.streams.refused").getCount()).isEqualTo(1);
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

  /** A raw ADS stream that asks for listeners as {@code node}. */
  private Stream<DiscoveryResponse> open(ChannelCredentials credentials, Node node) {
    Stream<DiscoveryResponse> stream = new Stream<>();
    StreamObserver<DiscoveryRequest> requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel(credentials))
            .streamAggregatedResources(stream);
    requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(node).setTypeUrl(Resources.V3.LISTENER_TYPE_URL).build());
    return stream;
  }

  /** A raw delta ADS stream that subscribes to every cluster as {@code node}. */
  private Stream<DeltaDiscoveryResponse> openDelta(ChannelCredentials credentials, Node node) {
    Stream<DeltaDiscoveryResponse> stream = new Stream<>();
    StreamObserver<DeltaDiscoveryRequest> requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel(credentials))
            .deltaAggregatedResources(stream);
    requests.onNext(DeltaDiscoveryRequest.newBuilder()
        .setNode(node).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());
    return stream;
  }

  private ManagedChannel channel(ChannelCredentials credentials) {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + mesh.adsPort(), credentials).build();
    channels.add(channel);
    return channel;
  }

  /** What the server sent on one stream, and how it ended. */
  private static final class Stream<T> implements StreamObserver<T> {
    final List<T> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void onNext(T response) {
      responses.add(response);
    }

    @Override
    public void onError(Throwable t) {
      closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      closed.complete(Status.OK);
    }
  }
}
