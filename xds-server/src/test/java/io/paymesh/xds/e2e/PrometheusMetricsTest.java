package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.rpc.Code;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.XdsServer;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.translate.ProxyGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The xds-server's Prometheus endpoint, scraped over HTTP from a real replica on a real etcd with
 * real grpc-java xDS clients and a raw ADS stream that answers like Envoy: what docs/xds-server.md
 * ("Metrics") promises is what a scraper reads.
 */
class PrometheusMetricsTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration ANSWER = Duration.ofSeconds(20);
  private static final String CONVERGENCE = "paymesh_xds_proxy_convergence_seconds_count";
  /** A sample line of the text format: name, optional labels, value. */
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

  private final HttpClient http = HttpClient.newHttpClient();
  private Mesh mesh;
  private ManagedChannel channel;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    mesh.backend("payments-a", "a");
    mesh.backend("payments-b", "b");
    channel = NettyChannelBuilder.forAddress("127.0.0.1", mesh.server().plaintextAdsPort())
        .usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    mesh.close();
  }

  @Test
  void connectedProxies_areCountedByServiceAndClientFamily_untilTheirStreamsClose()
      throws Exception {
    XdsTestClient first = mesh.client("checkout", "payments");
    XdsTestClient second = mesh.client("checkout", "payments");
    await().atMost(ANSWER).until(first::tryCharge, "a"::equals);
    await().atMost(ANSWER).until(second::tryCharge, "a"::equals);
    RawAdsStream envoy = RawAdsStream.open(channel, "checkout~pod-1", "checkout", "envoy");

    await().atMost(ANSWER).untilAsserted(() -> {
      Scrape scrape = scrape();
      assertThat(scrape.value("paymesh_xds_connected_proxies",
          Map.of("service", "checkout", "client", "grpc_java"))).isEqualTo(2);
      assertThat(scrape.value("paymesh_xds_connected_proxies",
          Map.of("service", "checkout", "client", "envoy"))).isEqualTo(1);
    });

    envoy.requests.onCompleted();
    await().atMost(ANSWER).untilAsserted(() -> assertThat(scrape().has(
        "paymesh_xds_connected_proxies", Map.of("service", "checkout", "client", "envoy")))
        .as("a closed stream's group is no longer listed").isFalse());
    assertThat(scrape().value("paymesh_xds_connected_proxies",
        Map.of("service", "checkout", "client", "grpc_java"))).isEqualTo(2);
  }

  @Test
  void pushesAcksAndNacks_areCountedByType() throws Exception {
    RawAdsStream envoy = RawAdsStream.open(channel, "checkout~pod-1", "checkout", "envoy");
    await().atMost(ANSWER).until(() -> !envoy.responses.isEmpty());
    DiscoveryResponse listeners = envoy.responses.get(0);
    Scrape before = scrape();
    assertThat(before.value("paymesh_xds_pushes_total", Map.of("type", "lds")))
        .isGreaterThanOrEqualTo(1);

    envoy.requests.onNext(DiscoveryRequest.newBuilder()
        .setTypeUrl(listeners.getTypeUrl())
        .setResponseNonce(listeners.getNonce())
        .setErrorDetail(com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("refused on purpose"))
        .build());
    XdsTestClient client = mesh.client("checkout", "payments");
    await().atMost(ANSWER).until(client::tryCharge, "a"::equals);
    mesh.awaitInSync(ProxyGroup.proxyless("checkout"), ANSWER);

    Scrape after = scrape();
    assertThat(after.value("paymesh_xds_nacks_total", Map.of("type", "lds")))
        .isEqualTo(before.valueOrZero("paymesh_xds_nacks_total", Map.of("type", "lds")) + 1);
    assertThat(after.valueOrZero("paymesh_xds_nacks_total", Map.of("type", "rds"))).isZero();
    // The grpc-java client subscribes to every type a route needs, and ACKs each.
    for (String type : List.of("lds", "rds", "cds", "eds")) {
      assertThat(after.value("paymesh_xds_pushes_total", Map.of("type", type))).as(type)
          .isGreaterThanOrEqualTo(1);
      assertThat(after.value("paymesh_xds_acks_total", Map.of("type", type))).as(type)
          .isGreaterThanOrEqualTo(1);
    }
    assertThat(after.value("paymesh_xds_snapshots_published_total", Map.of()))
        .isGreaterThanOrEqualTo(1);
    assertThat(after.value("paymesh_xds_policy_rebuild_seconds_count", Map.of("phase", "gate")))
        .isGreaterThanOrEqualTo(1);
    assertThat(after.value("paymesh_xds_gate_rejections_total", Map.of())).isZero();
    assertThat(after.has("jvm_memory_used_bytes", Map.of("area", "heap"))).isTrue();
    assertThat(after.has("process_cpu_seconds_total", Map.of())).isTrue();
  }

  @Test
  void aPolicyChange_isObservedOncePerAffectedStream_andNotForAStreamOpenedAfterIt()
      throws Exception {
    XdsTestClient first = mesh.client("checkout", "payments");
    XdsTestClient second = mesh.client("checkout", "payments");
    await().atMost(ANSWER).until(first::tryCharge, "a"::equals);
    await().atMost(ANSWER).until(second::tryCharge, "a"::equals);
    mesh.awaitInSync(ProxyGroup.proxyless("checkout"), ANSWER);
    double rdsBefore = scrape().valueOrZero(CONVERGENCE, Map.of("type", "rds"));

    mesh.apply(Policies.routeAllTo("payments-b"));
    await().atMost(ANSWER).until(() -> "b".equals(first.tryCharge()) && "b".equals(second.tryCharge()));
    mesh.awaitInSync(ProxyGroup.proxyless("checkout"), ANSWER);

    // Each stream of the changed group observes the new route version once.
    await().atMost(ANSWER).untilAsserted(() ->
        assertThat(scrape().value(CONVERGENCE, Map.of("type", "rds"))).isEqualTo(rdsBefore + 2));
    // A stream that connects after the change gets the new route as its first config: not a
    // change reaching it, so not observed. Its ACK is recorded after any observation would be.
    XdsTestClient late = mesh.client("checkout", "payments");
    await().atMost(ANSWER).until(late::tryCharge, "b"::equals);
    mesh.awaitInSync(ProxyGroup.proxyless("checkout"), ANSWER);
    Scrape after = scrape();
    assertThat(after.value(CONVERGENCE, Map.of("type", "rds"))).isEqualTo(rdsBefore + 2);
    assertThat(after.value("paymesh_xds_proxy_convergence_seconds_sum", Map.of("type", "rds")))
        .isPositive();
    assertThat(after.value("paymesh_xds_proxy_convergence_seconds_bucket",
        Map.of("type", "rds", "le", "+Inf"))).isEqualTo(rdsBefore + 2);
  }

  @Test
  void start_whenTheMetricsPortIsTaken_failsNamingIt() {
    InetSocketAddress taken = new InetSocketAddress("127.0.0.1", mesh.server().metricsPort());

    assertThatThrownBy(() -> XdsServer.builder(ETCD.client())
        .prefix(mesh.prefix())
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0))
        .metrics(taken)
        .start())
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot serve metrics on " + taken);
  }

  private Scrape scrape() throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + mesh.server().metricsPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).get().asString()
        .startsWith("text/plain");
    return Scrape.parse(response.body());
  }

  /** The samples of one scrape in the Prometheus text format. */
  private record Scrape(List<Sample> samples) {
    record Sample(String name, Map<String, String> labels, double value) {}

    static Scrape parse(String body) {
      List<Sample> samples = new CopyOnWriteArrayList<>();
      for (String line : body.split("\n")) {
        Matcher m = SAMPLE.matcher(line);
        if (line.startsWith("#") || !m.matches()) {
          continue;
        }
        Map<String, String> labels = new HashMap<>();
        if (m.group(2) != null) {
          Matcher label = LABEL.matcher(m.group(2));
          while (label.find()) {
            labels.put(label.group(1), label.group(2));
          }
        }
        samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
      }
      return new Scrape(samples);
    }

    boolean has(String name, Map<String, String> labels) {
      return samples.stream().anyMatch(s -> matches(s, name, labels));
    }

    /** The one sample of that name whose labels include these. */
    double value(String name, Map<String, String> labels) {
      List<Sample> found = samples.stream().filter(s -> matches(s, name, labels)).toList();
      assertThat(found).as("%s%s", name, labels).hasSize(1);
      return found.get(0).value();
    }

    double valueOrZero(String name, Map<String, String> labels) {
      return has(name, labels) ? value(name, labels) : 0;
    }

    private static boolean matches(Sample s, String name, Map<String, String> labels) {
      return s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet());
    }
  }

  /** An ADS stream that subscribes to every listener, as Envoy does, and answers nothing. */
  private static final class RawAdsStream implements StreamObserver<DiscoveryResponse> {
    final List<DiscoveryResponse> responses = new CopyOnWriteArrayList<>();
    StreamObserver<DiscoveryRequest> requests;

    static RawAdsStream open(ManagedChannel channel, String id, String cluster, String agent) {
      RawAdsStream stream = new RawAdsStream();
      stream.requests =
          AggregatedDiscoveryServiceGrpc.newStub(channel).streamAggregatedResources(stream);
      stream.requests.onNext(DiscoveryRequest.newBuilder()
          .setNode(Node.newBuilder().setId(id).setCluster(cluster).setUserAgentName(agent))
          .setTypeUrl(Resources.V3.LISTENER_TYPE_URL)
          .build());
      return stream;
    }

    @Override
    public void onNext(DiscoveryResponse response) {
      responses.add(response);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
