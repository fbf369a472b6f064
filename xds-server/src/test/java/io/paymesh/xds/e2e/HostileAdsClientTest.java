package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.rpc.Code;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.LogCapture;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An ADS client that means harm, on a raw grpc-java stream against a real xds-server over a real
 * etcd: it cannot forge log lines, oversize what the server keeps, make the server log a stack
 * trace, or fill the disk with log lines. The plaintext port is used because it trusts the
 * node's claim, so these requests get as far into the server as any can.
 */
class HostileAdsClientTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration ANSWER = Duration.ofSeconds(10);
  private static final String FORGED = "2026-12-01T09:00:00.000Z ERROR [main] forged - pwned";
  private static final Pattern SUPPRESSED = Pattern.compile(": (\\d+) log lines suppressed");

  private Mesh mesh;
  private ManagedChannel channel;
  private LogCapture logs;
  /**
   * grpc's certificate file watchers of proxyless clients that earlier test classes in this JVM
   * closed keep re-reading their (deleted) files and log a stack trace each time: not this test's
   * business (FileMtlsXdsCredentialsProvider never cancels its reloads; docs/workload-agent.md).
   */
  private static final java.util.function.Predicate<String> OTHER_TESTS_FILE_WATCHERS =
      logger -> logger.startsWith("io.grpc.util.AdvancedTls");

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", mesh.server().plaintextAdsPort())
        .usePlaintext()
        .maxInboundMessageSize(32 * 1024 * 1024)
        .build();
    logs = new LogCapture();
  }

  @AfterEach
  void stop() throws Exception {
    logs.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    mesh.close();
  }

  @Test
  void newlineInNodeIdOrCluster_isLoggedEscaped_andForgesNoLine() throws Exception {
    Stream stream = open(node("checkout~pod-1\n" + FORGED));
    await().atMost(ANSWER).until(() -> !stream.responses.isEmpty());
    stream.requests.onCompleted();
    // A service that does not exist gets nothing, but its stream is logged as it opens.
    Stream unknown = open(node("pod-2", "checkout\n" + FORGED));

    await().atMost(ANSWER).untilAsserted(() -> assertThat(logs.lines())
        .anyMatch(line -> line.contains("opened by node checkout~pod-1\\u000a2026-12-01"))
        .anyMatch(line -> line.contains("(service checkout\\u000a2026-12-01")));
    unknown.requests.onCompleted();
    assertThat(logs.lines()).noneMatch(line -> line.contains("\n" + FORGED));
  }

  @Test
  void nodeIdOf1_6MB_isRefusedWithInvalidArgument_namingTheFieldNotTheValue() throws Exception {
    String huge = "checkout~" + "A".repeat(1_600_000);

    Stream stream = open(node(huge));

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .isEqualTo("node.id: must be at most 256 bytes, got " + huge.length());
    assertThat(stream.responses).isEmpty();
    assertThat(mesh.server().proxies().connected()).isEmpty();
    await().atMost(ANSWER).untilAsserted(() -> assertThat(logs.lines())
        .anyMatch(line -> line.contains("refused") && line.contains("node.id: must be at most")));
    // The refusal shows the node id escaped and cut short, as every client string. (Only lines
    // quoting it: the capture also holds other loggers of this JVM, e.g. grpc's file watchers.)
    assertThat(logs.lines()).filteredOn(line -> line.contains("checkout~AAAA"))
        .isNotEmpty()
        .allMatch(line -> line.length() < 1_000);
    awaitClosedWithoutStackTrace();
  }

  @Test
  void tenThousandAndOneResourceNames_areRefused() throws Exception {
    Stream stream = open(node("checkout~pod-1"));
    await().atMost(ANSWER).until(() -> !stream.responses.isEmpty());

    stream.requests.onNext(DiscoveryRequest.newBuilder()
        .setTypeUrl(Resources.V3.CLUSTER_TYPE_URL)
        .addAllResourceNames(Collections.nCopies(10_001, "payments-a"))
        .build());

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .isEqualTo("resource_names: at most 10000 names in one request, got 10001");
    awaitClosedWithoutStackTrace();
  }

  @Test
  void unknownTypeUrl_getsACleanError_andNoStackTraceIsLogged() throws Exception {
    Stream stream = open(node("checkout~pod-1"));
    await().atMost(ANSWER).until(() -> !stream.responses.isEmpty());

    stream.requests.onNext(DiscoveryRequest.newBuilder()
        .setTypeUrl("type.googleapis.com/envoy.evil.v3.Thing\n" + FORGED)
        .build());

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .startsWith("type_url: unknown type URL 'type.googleapis.com/envoy.evil.v3.Thing\\u000a")
        .doesNotContain("\n")
        .hasSizeLessThan(200);
    awaitClosedWithoutStackTrace();
    assertThat(logs.lines()).noneMatch(line -> line.contains("\n" + FORGED));
  }

  @Test
  void tenThousandNacks_writeABoundedNumberOfLogLines() throws Exception {
    int nacks = 10_000;
    Stream stream = open(node("checkout~pod-1"));
    await().atMost(ANSWER).until(() -> !stream.responses.isEmpty());
    DiscoveryResponse listeners = stream.responses.get(0);
    long nacksBefore = mesh.server().metrics().counter("xds.nacks").getCount();

    for (int i = 0; i < nacks; i++) {
      // The last one's detail is far longer than what a status record keeps.
      String detail = i < nacks - 1 ? "x".repeat(2_000) : "y".repeat(100_000);
      stream.requests.onNext(nack(listeners, "refused " + i + "\n" + FORGED + " " + detail));
    }
    await().atMost(Duration.ofSeconds(90)).until(() ->
        mesh.server().metrics().counter("xds.nacks").getCount() == nacksBefore + nacks);
    String recorded = mesh.server().proxies().byNode("checkout~pod-1").get(0)
        .lastNack().orElseThrow().errorDetail();
    stream.requests.onCompleted();
    await().atMost(ANSWER).untilAsserted(() -> assertThat(logs.lines())
        .anyMatch(line -> line.contains("ADS stream") && line.contains("closed")));

    // 30 lines a minute, then one line saying how many were left out: every NACK is accounted
    // for, in a few dozen lines (the flood may straddle the start of a new minute).
    List<String> lines = logs.lines();
    long written = lines.stream().filter(l -> l.contains("NACK node=checkout~pod-1")).count();
    long suppressed = lines.stream()
        .map(SUPPRESSED::matcher).filter(Matcher::find)
        .mapToLong(m -> Long.parseLong(m.group(1))).sum();
    assertThat(written).isBetween(30L, 60L);
    assertThat(written + suppressed).isEqualTo(nacks);
    assertThat(lines).hasSizeLessThan(100)
        .noneMatch(line -> line.contains("\n" + FORGED));
    assertThat(recorded).startsWith("refused " + (nacks - 1)).hasSizeLessThan(8_300);
  }

  /**
   * Waits for the refused stream's closing line, then asserts that neither logback nor
   * grpc-java's own logging wrote an exception (a late send on the closed call would).
   */
  private void awaitClosedWithoutStackTrace() {
    await().atMost(ANSWER).untilAsserted(() -> assertThat(logs.lines())
        .anyMatch(line -> line.contains("ADS stream") && line.contains("closed")));
    assertThat(logs.linesExcept(OTHER_TESTS_FILE_WATCHERS))
        .noneMatch(line -> line.contains("Exception") || line.contains("\tat "));
  }

  private static DiscoveryRequest nack(DiscoveryResponse refused, String detail) {
    return DiscoveryRequest.newBuilder()
        .setTypeUrl(refused.getTypeUrl())
        .setResponseNonce(refused.getNonce())
        .setErrorDetail(com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(detail))
        .build();
  }

  private static Node node(String id) {
    return node(id, "checkout");
  }

  private static Node node(String id, String cluster) {
    return Node.newBuilder().setId(id).setCluster(cluster).setUserAgentName("envoy").build();
  }

  /** A raw ADS stream whose first request asks for listeners as {@code node}. */
  private Stream open(Node node) {
    Stream stream = new Stream();
    stream.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(stream);
    stream.requests.onNext(DiscoveryRequest.newBuilder()
        .setNode(node).setTypeUrl(Resources.V3.LISTENER_TYPE_URL).build());
    return stream;
  }

  /** What the server sent on one stream, and how it ended. */
  private static final class Stream implements StreamObserver<DiscoveryResponse> {
    final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    StreamObserver<DiscoveryRequest> requests;

    @Override
    public void onNext(DiscoveryResponse response) {
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
