package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
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
 * A delta ADS stream (DeltaAggregatedResources) on the mTLS port is authenticated exactly as a
 * state-of-the-world one ({@link AdsAuthenticationTest}): served only to a client certificate of
 * the service it claims in {@code node.cluster}, and a refused stream receives nothing but the
 * refusal. Raw delta streams over TLS against a real xds-server and etcd.
 */
class DeltaAdsAuthenticationTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration ANSWER = Duration.ofSeconds(10);

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
    Stream stream = open(trusting(certificateOf("checkout")), node("checkout~pod-1", "checkout"));

    await().atMost(ANSWER).until(() -> !stream.responses.isEmpty());
    assertThat(stream.responses.get(0).getResourcesCount()).isPositive();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isNotEmpty();
  }

  @Test
  void clientWithoutCertificate_isRefused_andReceivesNothing() throws Exception {
    ChannelCredentials noCertificate = TlsChannelCredentials.newBuilder()
        .trustManager(mesh.pki().bundleFile().toFile())
        .build();

    Stream stream = open(noCertificate, node("checkout~pod-1", "checkout"));

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
    assertThat(mesh.server().metrics().counter("xds.streams.refused").getCount()).isEqualTo(1);
  }

  @Test
  void checkoutsCertificate_claimingPaymentsV1_isRefused_andReceivesNothing() throws Exception {
    Stream stream =
        open(trusting(certificateOf("checkout")), node("payments-v1~pod-1", "payments-v1"));

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
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

  /** A raw delta ADS stream that subscribes to every cluster as {@code node}. */
  private Stream open(ChannelCredentials credentials, Node node) {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + mesh.adsPort(), credentials).build();
    channels.add(channel);
    Stream stream = new Stream();
    StreamObserver<DeltaDiscoveryRequest> requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(stream);
    requests.onNext(DeltaDiscoveryRequest.newBuilder()
        .setNode(node).setTypeUrl(Resources.V3.CLUSTER_TYPE_URL).build());
    return stream;
  }

  /** What the server sent on one stream, and how it ended. */
  private static final class Stream implements StreamObserver<DeltaDiscoveryResponse> {
    final List<DeltaDiscoveryResponse> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void onNext(DeltaDiscoveryResponse response) {
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
