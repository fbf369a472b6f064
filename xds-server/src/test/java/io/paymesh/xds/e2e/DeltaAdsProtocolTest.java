package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.rpc.Code;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.ads.ContentVersion;
import io.paymesh.xds.ads.ProxyStatusRegistry;
import io.paymesh.xds.testing.LogCapture;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Delta xDS (DeltaAggregatedResources) on a raw grpc-java stream against a real xds-server over a
 * real etcd, as an Envoy sidecar speaks it: clusters and listeners by wildcard, endpoints and
 * routes by name, an ACK for every response, and {@code initial_resource_versions} when it
 * reconnects. No delta client runs in these tests otherwise (grpc-java and the other proxyless
 * clients speak state of the world, and there is no Envoy binary here), so this is the proof that
 * the protocol is served as Envoy expects. What each response must hold is derived from the
 * group's config as paymesh translates it from the policy in etcd.
 */
class DeltaAdsProtocolTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;
  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  private static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
  /** Envoy's order: clusters and listeners first, then what they name. */
  private static final List<String> TYPES = List.of(CDS, EDS, LDS, RDS);
  private static final ProxyGroup GROUP = new ProxyGroup("checkout", ClientFamily.ENVOY);
  private static final Duration ANSWER = Duration.ofSeconds(10);
  /** How long a stream must stay quiet to show that nothing is sent. */
  private static final Duration QUIET = Duration.ofSeconds(2);
  /** Checkout without its dependency on payments-b: its cluster and endpoints go away. */
  private static final String SERVICES_WITHOUT_PAYMENTS_B = Policies.SERVICES
      .replace("dependencies: [payments, payments-a, payments-b]",
          "dependencies: [payments, payments-a]");

  /** A service that joins the policy during a test. */
  private static final String REFUNDS = """
      kind: Service
      name: refunds
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: spiffe://paymesh.local/ns/shop/sa/refunds
        pciScope: CONNECTED
        dependencies: [payments, payments-a, payments-b]
      """;

  private Mesh mesh;
  private ManagedChannel channel;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.apply(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a"));
    channel = NettyChannelBuilder.forAddress("127.0.0.1", mesh.server().plaintextAdsPort())
        .usePlaintext()
        .maxInboundMessageSize(32 * 1024 * 1024)
        .build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    mesh.close();
  }

  @Test
  void envoySubscribingToEachType_getsItsWholeConfig_withContentVersions_andItsAcksAreRecorded()
      throws Exception {
    Map<String, Map<String, String>> expected = configNow();
    assertThat(expected.get(CDS)).as("the fixture has clusters").isNotEmpty();
    assertThat(expected.get(EDS)).as("the fixture has endpoint assignments").isNotEmpty();
    assertThat(expected.get(LDS)).as("the fixture has listeners").isNotEmpty();
    assertThat(expected.get(RDS)).as("the fixture has route configs").isNotEmpty();

    DeltaStream stream = subscribeToEverything(expected);

    // Every ACK reached the proxy status: the versions are those the group's config has.
    mesh.awaitInSync(GROUP, ANSWER);
    ProxyStatusRegistry.ProxyStatus status = statusOf("checkout~pod-1");
    for (String type : TYPES) {
      assertThat(status.ackedVersions().get(type)).as(type)
          .isEqualTo(ContentVersion.ofGroup(new GroupTranslator()
              .translate(mesh.repository().loadSnapshot(), GROUP).orElseThrow()).get(type));
    }
    assertThat(mesh.server().metrics().counter("xds.nacks").getCount()).isZero();
    stream.assertQuietFor(QUIET);
    // Every request and response answered: its status record has nothing to wait for.
    assertThat(statusOf("checkout~pod-1").inTransit()).isFalse();
  }

  @Test
  void aPolicyChange_pushesOnlyTheResourcesItChanged() throws Exception {
    Map<String, Map<String, String>> before = configNow();
    DeltaStream stream = subscribeToEverything(before);

    Map<String, Map<String, String>> after = change(Policies.routeAllTo("payments-b"), before);
    Map<String, Map<String, String>> changed = changedResources(before, after);
    assertThat(changed.get(RDS)).as("moving every route changes a route config").isNotEmpty();
    assertThat(changed.get(CDS)).as("clusters stay as they are").isEmpty();
    for (String type : TYPES) {
      if (changed.get(type).isEmpty()) {
        continue;
      }
      DeltaDiscoveryResponse response = stream.next(type);
      assertThat(versionsOf(response)).as(type).isEqualTo(changed.get(type));
      assertThat(response.getRemovedResourcesList()).as(type).isEmpty();
      stream.ack(response);
    }
    // Nothing else: no type whose resources stayed the same is pushed.
    stream.assertQuietFor(QUIET);
  }

  @Test
  void aResourceLeavingTheConfig_comesInRemovedResources() throws Exception {
    Map<String, Map<String, String>> before = configNow();
    DeltaStream stream = subscribeToEverything(before);

    Map<String, Map<String, String>> after = change(SERVICES_WITHOUT_PAYMENTS_B, before);
    Set<String> goneClusters = removedNames(before, after, CDS);
    Set<String> goneEndpoints = removedNames(before, after, EDS);
    assertThat(goneClusters).as("payments-b's cluster leaves").isNotEmpty();
    assertThat(goneEndpoints).as("so do its endpoints").isNotEmpty();
    Map<String, Map<String, String>> changed = changedResources(before, after);
    for (String type : TYPES) {
      Set<String> gone = removedNames(before, after, type);
      if (changed.get(type).isEmpty() && gone.isEmpty()) {
        continue;
      }
      DeltaDiscoveryResponse response = stream.next(type);
      assertThat(response.getRemovedResourcesList()).as(type)
          .containsExactlyInAnyOrderElementsOf(gone);
      assertThat(versionsOf(response)).as(type).isEqualTo(changed.get(type));
      stream.ack(response);
    }
    stream.assertQuietFor(QUIET);
  }

  /**
   * One push in flight per stream and type, as in state of the world: while the proxy has not
   * answered a response, a newer config of that type waits; its ACK is met with the difference
   * between what it ACKed and the newest config.
   */
  @Test
  void untilTheProxyAnswers_aNewerConfigWaits_thenComesAsOneDifference() throws Exception {
    Map<String, Map<String, String>> before = configNow();
    DeltaStream stream = open();
    stream.send(DeltaDiscoveryRequest.newBuilder().setNode(node("checkout~pod-1"))
        .setTypeUrl(CDS).build());
    DeltaDiscoveryResponse first = stream.next(CDS);

    Map<String, Map<String, String>> after = change(SERVICES_WITHOUT_PAYMENTS_B, before);
    stream.assertQuietFor(QUIET);

    stream.ack(first);
    DeltaDiscoveryResponse next = stream.next(CDS);
    assertThat(next.getRemovedResourcesList())
        .containsExactlyInAnyOrderElementsOf(removedNames(before, after, CDS));
    assertThat(versionsOf(next)).isEqualTo(changedResources(before, after).get(CDS));
  }

  /**
   * A reconnecting Envoy names what it holds: a resource that left the config while it was away
   * is removed, one it holds at the current version is not sent again, and one it holds at an
   * older version is sent. Wildcard (clusters) and named (endpoints) subscriptions alike.
   */
  @ParameterizedTest
  @ValueSource(strings = {CDS, EDS, LDS, RDS})
  void reconnectingWithInitialResourceVersions_getsOnlyWhatDiffers(String type) throws Exception {
    connectOnceBefore();
    Map<String, String> current = configNow().get(type);
    assertThat(current).as("the fixture has resources of %s", type).isNotEmpty();
    String unchanged = current.keySet().iterator().next();
    Map<String, String> held = new TreeMap<>(current);
    held.put("gone-while-away", ContentVersion.of(List.of()));
    String outdated = current.size() > 1 ? current.keySet().stream().skip(1).findFirst()
        .orElseThrow() : null;
    if (outdated != null) {
      held.put(outdated, "0123456789abcdef");
    }

    DeltaStream stream = open();
    DeltaDiscoveryRequest.Builder resume = DeltaDiscoveryRequest.newBuilder()
        .setNode(node("checkout~pod-1"))
        .setTypeUrl(type)
        .putAllInitialResourceVersions(held);
    if (isNamed(type)) {
      resume.addAllResourceNamesSubscribe(held.keySet());
    }
    stream.send(resume.build());

    DeltaDiscoveryResponse response = stream.next(type);
    assertThat(response.getRemovedResourcesList()).containsExactly("gone-while-away");
    assertThat(versionsOf(response).keySet()).doesNotContain(unchanged);
    if (outdated != null) {
      assertThat(versionsOf(response)).containsEntry(outdated, current.get(outdated))
          .hasSize(1);
    } else {
      assertThat(response.getResourcesList()).isEmpty();
    }
    stream.ack(response);
    stream.assertQuietFor(QUIET);
  }

  /**
   * A client may reconnect before the server has its group's config, e.g. to a replica just
   * started: once the config is there, what it holds that is gone is removed all the same.
   */
  @ParameterizedTest
  @ValueSource(strings = {CDS, EDS, LDS, RDS})
  void reconnectingBeforeTheGroupHasAConfig_stillRemovesWhatIsGone(String type)
      throws Exception {
    Node refunds = Node.newBuilder().setId("refunds~pod-1").setCluster("refunds")
        .setUserAgentName("envoy").build();
    DeltaStream stream = open();
    DeltaDiscoveryRequest.Builder resume = DeltaDiscoveryRequest.newBuilder()
        .setNode(refunds)
        .setTypeUrl(type)
        .putInitialResourceVersions("gone-while-away", "0123456789abcdef");
    if (isNamed(type)) {
      resume.addResourceNamesSubscribe("gone-while-away");
    }
    stream.send(resume.build());
    await().atMost(ANSWER).until(() -> !mesh.server().proxies().byNode("refunds~pod-1").isEmpty());
    stream.assertQuietFor(Duration.ofMillis(500));

    mesh.apply(REFUNDS);

    DeltaDiscoveryResponse response = stream.next(type);
    assertThat(response.getRemovedResourcesList()).containsExactly("gone-while-away");
    if (isNamed(type)) {
      assertThat(response.getResourcesList()).isEmpty();
    } else {
      assertThat(response.getResourcesList()).as("a wildcard gets all it lacks").isNotEmpty();
    }
  }

  @Test
  void reconnectingWhileHoldingTheCurrentConfig_isSentNothing_andLaterChangesStillArrive()
      throws Exception {
    Map<String, Map<String, String>> before = configNow();
    DeltaStream first = subscribeToEverything(before);
    first.requests.onCompleted();

    DeltaStream resumed = open();
    for (String type : TYPES) {
      DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
          .setNode(node("checkout~pod-2"))
          .setTypeUrl(type)
          .putAllInitialResourceVersions(before.get(type));
      if (isNamed(type)) {
        request.addAllResourceNamesSubscribe(before.get(type).keySet());
      }
      resumed.send(request.build());
    }
    resumed.assertQuietFor(QUIET);
    // Up to date, it waits for nothing, so its status record does not wait either.
    assertThat(statusOf("checkout~pod-2").inTransit()).isFalse();

    // The names it holds without having been sent them on this stream are still its to update
    // and to lose: a route change reaches it, and so does the removal of a cluster and its
    // endpoints.
    Map<String, Map<String, String>> moved = change(Policies.routeAllTo("payments-b"), before);
    DeltaDiscoveryResponse routes = resumed.next(RDS);
    assertThat(versionsOf(routes)).isEqualTo(changedResources(before, moved).get(RDS));
    resumed.ack(routes);

    Map<String, Map<String, String>> reduced = change(
        SERVICES_WITHOUT_PAYMENTS_B + "---\n" + Policies.routeAllTo("payments-a"), moved);
    for (String type : List.of(CDS, EDS)) {
      Set<String> gone = removedNames(moved, reduced, type);
      assertThat(gone).as(type).isNotEmpty();
      assertThat(resumed.next(type).getRemovedResourcesList()).as(type)
          .containsExactlyInAnyOrderElementsOf(gone);
    }
  }

  @Test
  void nack_isRecordedInTheProxyStatus_andTheRejectedResourcesAreNotSentAgain()
      throws Exception {
    Map<String, Map<String, String>> before = configNow();
    DeltaStream stream = open();
    stream.send(DeltaDiscoveryRequest.newBuilder().setNode(node("checkout~pod-1"))
        .setTypeUrl(RDS).addAllResourceNamesSubscribe(before.get(RDS).keySet()).build());
    DeltaDiscoveryResponse routes = stream.next(RDS);

    stream.send(DeltaDiscoveryRequest.newBuilder()
        .setTypeUrl(RDS)
        .setResponseNonce(routes.getNonce())
        .setErrorDetail(com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("route refused\nfor a reason"))
        .build());

    await().atMost(ANSWER).untilAsserted(() ->
        assertThat(statusOf("checkout~pod-1").lastNack()).hasValueSatisfying(nack -> {
          assertThat(nack.typeUrl()).isEqualTo(RDS);
          assertThat(nack.version()).isEqualTo(routes.getSystemVersionInfo());
          assertThat(nack.errorDetail()).isEqualTo("route refused\nfor a reason");
        }));
    assertThat(mesh.server().metrics().counter("xds.nacks").getCount()).isEqualTo(1);
    // No NACK storm: what was refused is not sent again until it changes.
    stream.assertQuietFor(QUIET);

    Map<String, Map<String, String>> changed =
        changedResources(before, change(Policies.routeAllTo("payments-b"), before));
    assertThat(versionsOf(stream.next(RDS))).isEqualTo(changed.get(RDS));
  }

  @Test
  void anAnswerToANonceThatAwaitsNone_isTakenAsASubscriptionUpdate_withoutAnError()
      throws Exception {
    Map<String, Map<String, String>> config = configNow();
    LogCapture logs = new LogCapture();
    try {
      DeltaStream stream = open();
      stream.send(DeltaDiscoveryRequest.newBuilder().setNode(node("checkout~pod-1"))
          .setTypeUrl(CDS).build());
      DeltaDiscoveryResponse clusters = stream.next(CDS);
      stream.ack(clusters);
      // The same ACK again, and one of a nonce never sent (java-control-plane alone fails
      // with a NullPointerException on either and the stream is lost).
      stream.ack(clusters);
      stream.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(CDS)
          .setResponseNonce("made-up").build());
      String someEndpoints = config.get(EDS).keySet().iterator().next();
      stream.send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(EDS)
          .addResourceNamesSubscribe(someEndpoints).build());

      assertThat(versionsOf(stream.next(EDS)).keySet()).containsExactly(someEndpoints);
      assertThat(stream.closed).isNotDone();
      // (grpc's certificate file watchers of earlier test classes in this JVM log their own.)
      assertThat(logs.linesExcept(logger -> logger.startsWith("io.grpc.util.AdvancedTls")))
          .noneMatch(line -> line.contains("Exception") || line.contains("\tat "));
    } finally {
      logs.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"resource_names_subscribe", "resource_names_unsubscribe",
      "initial_resource_versions"})
  void tenThousandAndOneNames_areRefused_namingTheField(String field) throws Exception {
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder()
        .setNode(node("checkout~pod-1")).setTypeUrl(EDS);
    List<String> names = java.util.stream.IntStream.range(0, 10_001)
        .mapToObj(i -> "cluster-" + i).toList();
    switch (field) {
      case "resource_names_subscribe" -> request.addAllResourceNamesSubscribe(names);
      case "resource_names_unsubscribe" -> request.addAllResourceNamesUnsubscribe(names);
      default -> names.forEach(n -> request.putInitialResourceVersions(n, "v"));
    }

    DeltaStream stream = open();
    stream.send(request.build());

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .isEqualTo(field + ": at most 10000 names in one request, got 10001");
    assertThat(stream.all).isEmpty();
    assertThat(mesh.server().proxies().byNode("checkout~pod-1")).isEmpty();
  }

  @Test
  void aLaterRequestClaimingAnotherService_isRefused() throws Exception {
    DeltaStream stream = open();
    stream.send(DeltaDiscoveryRequest.newBuilder().setNode(node("checkout~pod-1"))
        .setTypeUrl(CDS).build());
    stream.ack(stream.next(CDS));

    stream.send(DeltaDiscoveryRequest.newBuilder()
        .setNode(Node.newBuilder().setId("payments-a~pod-1").setCluster("payments-a")
            .setUserAgentName("envoy"))
        .setTypeUrl(LDS).build());

    Status status = stream.closed.get(ANSWER.toSeconds(), TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).isEqualTo("a stream's node may not change");
    assertThat(stream.responsesOf(LDS)).isEmpty();
  }

  /**
   * Subscribes as Envoy does (clusters and listeners by wildcard, then endpoints and routes by
   * the names they carry) and ACKs each response after checking it holds exactly the config.
   */
  private DeltaStream subscribeToEverything(Map<String, Map<String, String>> expected)
      throws Exception {
    DeltaStream stream = open();
    boolean first = true;
    for (String type : TYPES) {
      DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(type);
      if (first) {
        request.setNode(node("checkout~pod-1")); // Later requests omit it, as Envoy's do.
        first = false;
      }
      if (isNamed(type)) {
        request.addAllResourceNamesSubscribe(expected.get(type).keySet());
      }
      stream.send(request.build());
      DeltaDiscoveryResponse response = stream.next(type);
      assertThat(versionsOf(response)).as(type).isEqualTo(expected.get(type));
      assertThat(response.getRemovedResourcesList()).as(type).isEmpty();
      assertThat(response.getSystemVersionInfo()).as(type).isNotEmpty();
      stream.ack(response);
    }
    return stream;
  }

  private static boolean isNamed(String type) {
    return type.equals(EDS) || type.equals(RDS);
  }

  /**
   * Per type, each resource of checkout's Envoy config by name, with the version paymesh gives it:
   * a hash of its content alone, so the same on every replica and after every restart.
   */
  private Map<String, Map<String, String>> configNow() throws Exception {
    GroupResources resources =
        new GroupTranslator().translate(mesh.repository().loadSnapshot(), GROUP).orElseThrow();
    return Map.of(
        CDS, contentVersions(resources.clusters()),
        EDS, contentVersions(resources.endpoints()),
        LDS, contentVersions(resources.listeners()),
        RDS, contentVersions(resources.routes()));
  }

  private static Map<String, String> contentVersions(List<? extends Message> resources) {
    Map<String, String> versions = new TreeMap<>();
    for (Message resource : resources) {
      versions.put(Resources.getResourceName(resource), ContentVersion.ofResource(resource));
    }
    return versions;
  }

  /**
   * Connects checkout's proxy once and lets it go, as before a reconnect: the server builds a
   * group when a proxy first asks for it, so its config is there when the proxy comes back.
   */
  private void connectOnceBefore() throws Exception {
    DeltaStream earlier = open();
    earlier.send(DeltaDiscoveryRequest.newBuilder().setNode(node("checkout~pod-0"))
        .setTypeUrl(CDS).build());
    earlier.next(CDS);
    earlier.requests.onCompleted();
  }

  /**
   * Writes a policy change, waits until the server has read it and returns checkout's config
   * under it. (The server's policy revision moves only with the policy; etcd's moves with the
   * proxy status records too.)
   */
  private Map<String, Map<String, String>> change(
      String yaml, Map<String, Map<String, String>> before) throws Exception {
    long seen = mesh.server().policyRevision();
    mesh.apply(yaml);
    await().atMost(ANSWER).until(() -> mesh.server().policyRevision() > seen);
    Map<String, Map<String, String>> after = configNow();
    assertThat(after).as("the change changes checkout's config").isNotEqualTo(before);
    return after;
  }

  /** Per type, the resources that are new or have a new version. */
  private static Map<String, Map<String, String>> changedResources(
      Map<String, Map<String, String>> before, Map<String, Map<String, String>> after) {
    Map<String, Map<String, String>> changed = new HashMap<>();
    for (String type : TYPES) {
      changed.put(type, after.get(type).entrySet().stream()
          .filter(e -> !e.getValue().equals(before.get(type).get(e.getKey())))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
              TreeMap::new)));
    }
    return changed;
  }

  private static Set<String> removedNames(
      Map<String, Map<String, String>> before, Map<String, Map<String, String>> after,
      String type) {
    return before.get(type).keySet().stream()
        .filter(name -> !after.get(type).containsKey(name))
        .collect(Collectors.toSet());
  }

  /** What a response carries: each resource's name and version. */
  private static Map<String, String> versionsOf(DeltaDiscoveryResponse response) {
    Map<String, String> versions = new TreeMap<>();
    for (Resource resource : response.getResourcesList()) {
      versions.put(resource.getName(), resource.getVersion());
    }
    return versions;
  }

  private ProxyStatusRegistry.ProxyStatus statusOf(String nodeId) {
    List<ProxyStatusRegistry.ProxyStatus> statuses = mesh.server().proxies().byNode(nodeId);
    assertThat(statuses).as("status of %s", nodeId).hasSize(1);
    return statuses.get(0);
  }

  private static Node node(String id) {
    return Node.newBuilder().setId(id).setCluster("checkout").setUserAgentName("envoy").build();
  }

  private DeltaStream open() {
    DeltaStream stream = new DeltaStream();
    stream.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel).deltaAggregatedResources(stream);
    return stream;
  }

  /** One raw delta stream: what the server sent on it, by type, and how it ended. */
  private static final class DeltaStream implements StreamObserver<DeltaDiscoveryResponse> {
    /** Per type, the responses not yet taken by {@link #next}. */
    final Map<String, BlockingQueue<DeltaDiscoveryResponse>> unread = new ConcurrentHashMap<>();
    final List<DeltaDiscoveryResponse> all = new CopyOnWriteArrayList<>();
    final CompletableFuture<Status> closed = new CompletableFuture<>();
    StreamObserver<DeltaDiscoveryRequest> requests;

    void send(DeltaDiscoveryRequest request) {
      requests.onNext(request);
    }

    void ack(DeltaDiscoveryResponse response) {
      send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(response.getTypeUrl())
          .setResponseNonce(response.getNonce()).build());
    }

    /** The next response of {@code type}. */
    DeltaDiscoveryResponse next(String type) throws InterruptedException {
      DeltaDiscoveryResponse response =
          unreadOf(type).poll(ANSWER.toSeconds(), TimeUnit.SECONDS);
      assertThat(response).as("a %s response within %s", type, ANSWER).isNotNull();
      return response;
    }

    List<DeltaDiscoveryResponse> responsesOf(String type) {
      return all.stream().filter(r -> r.getTypeUrl().equals(type)).toList();
    }

    /** Nothing more is sent for {@code window}. */
    void assertQuietFor(Duration window) {
      await().during(window).atMost(window.plusSeconds(2))
          .until(() -> unread.values().stream().allMatch(BlockingQueue::isEmpty));
    }

    private BlockingQueue<DeltaDiscoveryResponse> unreadOf(String type) {
      return unread.computeIfAbsent(type, t -> new LinkedBlockingQueue<>());
    }

    @Override
    public void onNext(DeltaDiscoveryResponse response) {
      all.add(response);
      unreadOf(response.getTypeUrl()).add(response);
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
