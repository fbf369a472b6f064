package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.status.EtcdProxyStatusPublisher;
import io.paymesh.xds.status.ProxyStatusReader;
import io.paymesh.xds.status.ProxyStatusRecord;
import io.paymesh.xds.translate.ProxyGroup;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publishing rules of EtcdProxyStatusPublisher, driven through the registry the way the ADS
 * interceptor drives it (hence this package: the registry's mutators are package-private), with
 * a real etcd: coalescing, reconnects, another replica's record, and an etcd outage.
 */
class ProxyStatusPublishingTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  private static final ProxyGroup CHECKOUT = ProxyGroup.sidecar("checkout");

  private final ProxyStatusRegistry registry = new ProxyStatusRegistry(Clock.systemUTC());
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private String prefix;
  private ProxyStatusReader reader;

  @BeforeEach
  void setUp() {
    prefix = "/status-test-" + PREFIXES.incrementAndGet() + "/";
    reader = new ProxyStatusReader(ETCD.client(), prefix);
  }

  @AfterEach
  void tearDown() throws Exception {
    while (!started.isEmpty()) {
      started.pop().close();
    }
  }

  private EtcdProxyStatusPublisher publisher(String replica, ProxyStatusRegistry source) {
    return publisher(replica, source, EtcdProxyStatusPublisher.DEFAULT_SETTLE_LIMIT);
  }

  private EtcdProxyStatusPublisher publisher(
      String replica, ProxyStatusRegistry source, Duration settleLimit) {
    EtcdProxyStatusPublisher publisher = new EtcdProxyStatusPublisher(
        ETCD.client(), prefix, replica, source, TTL, settleLimit).start();
    started.push(publisher);
    return publisher;
  }

  private Optional<String> ackedCds(String nodeId) {
    return reader.get(nodeId).map(r -> r.ackedVersions().get(CDS));
  }

  private KeyValue key(String nodeId) throws Exception {
    List<KeyValue> kvs = ETCD.client().getKVClient()
        .get(ByteSequence.from(prefix + "status/proxies/" + nodeId, StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS).getKvs();
    assertThat(kvs).hasSize(1);
    return kvs.get(0);
  }

  @Test
  void burstOfAcks_isCoalesced_andTheLatestStateWins() throws Exception {
    publisher("replica-1", registry);
    int acks = 500;

    registry.opened(1, "node-a", CHECKOUT);
    for (int i = 1; i <= acks; i++) {
      registry.acked(1, CDS, "v" + i);
    }

    await().atMost(CONVERGE).until(() -> ackedCds("node-a"), Optional.of("v" + acks)::equals);
    // etcd counts the writes of a key: one per event would be acks + 1.
    assertThat(key("node-a").getVersion()).isLessThan(acks / 2);
  }

  @Test
  void aSteadyStreamOfAcks_isWrittenAtMostOncePerFlushInterval() throws Exception {
    publisher("replica-1", registry);
    registry.opened(1, "node-a", CHECKOUT);
    // ACKs as fast as this thread makes them, for one second (and at most 200,000): flushing
    // as soon as the previous write is done would write this key hundreds of times.
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(1).toNanos();
    int acks = 0;
    while (System.nanoTime() < end && acks < 200_000) {
      registry.acked(1, CDS, "v" + ++acks);
    }
    long elapsed = System.nanoTime() - start;

    await().atMost(CONVERGE).until(() -> ackedCds("node-a"), Optional.of("v" + acks)::equals);
    long intervals = elapsed / EtcdProxyStatusPublisher.FLUSH_INTERVAL.toNanos();
    // One write per interval that began, the open's and the last one's.
    assertThat(key("node-a").getVersion()).isLessThanOrEqualTo(intervals + 3);
  }

  /**
   * A record waits while its proxy's config is on its way, an ACK of one type while another is
   * still unanswered included, and is written with the answer that settles it, ACK or NACK: one
   * write where a connecting proxy's stream and each of its ACKs took one.
   */
  @Test
  void aRecord_waitsWhileItsConfigIsInTransit_andIsWrittenWithTheAnswerThatSettlesIt()
      throws Exception {
    // Their first requests, unanswered; node-c has asked for nothing yet.
    registry.opened(1, "node-a", CHECKOUT);
    registry.awaiting(1, CDS);
    registry.awaiting(1, LDS);
    registry.opened(2, "node-b", CHECKOUT);
    registry.awaiting(2, CDS);
    registry.opened(3, "node-c", CHECKOUT);
    publisher("replica-1", registry, Duration.ofHours(1));

    // One writer thread, and the three were in its first flush.
    await().atMost(CONVERGE).until(() -> reader.get("node-c").isPresent());
    assertThat(reader.get("node-a")).isEmpty();
    assertThat(reader.get("node-b")).isEmpty();

    registry.acked(1, CDS, "v1");
    registry.opened(4, "node-d", CHECKOUT);
    // node-a was dirty before node-d: the flush that wrote node-d, or one before it, saw it.
    await().atMost(CONVERGE).until(() -> reader.get("node-d").isPresent());
    assertThat(reader.get("node-a")).isEmpty();

    registry.acked(1, LDS, "v1");
    registry.nacked(2, CDS, "v1", "cluster rejected");
    await().atMost(CONVERGE).until(() -> reader.get("node-a")
        .map(r -> r.ackedVersions().keySet()).orElse(Set.of()).equals(Set.of(CDS, LDS)));
    await().atMost(CONVERGE).until(() -> reader.get("node-b")
        .flatMap(ProxyStatusRecord::lastNack).isPresent());
    assertThat(key("node-a").getVersion()).isEqualTo(1);
    assertThat(key("node-b").getVersion()).isEqualTo(1);
  }

  /** A proxy that never answers is not left out: its record is written once its wait is over. */
  @Test
  void aRecordInTransit_isWrittenOnceItsWaitIsOver() {
    registry.opened(1, "node-a", CHECKOUT);
    registry.awaiting(1, CDS);
    publisher("replica-1", registry, Duration.ofMillis(500));

    await().atMost(CONVERGE).until(() -> reader.get("node-a").isPresent());
    assertThat(registry.latestOf("node-a").orElseThrow().inTransit()).isTrue();
    assertThat(ackedCds("node-a")).isEmpty();
  }

  @Test
  void thousandsOfProxies_areWrittenAndRemovedInBatches() throws Exception {
    int nodes = 2_000;
    for (int i = 0; i < nodes; i++) {
      registry.opened(i, "node-" + i, CHECKOUT);
      registry.acked(i, CDS, "v1");
    }
    long before = ETCD.currentRevision();

    publisher("replica-1", registry);

    await().atMost(CONVERGE).until(() -> reader.list().size() == nodes);
    assertThat(reader.get("node-1999").map(r -> r.ackedVersions().get(CDS))).contains("v1");
    // Every etcd transaction is one revision: one put at a time would be one per node.
    long written = ETCD.currentRevision() - before;
    assertThat(written).isLessThan(nodes / 10);

    long beforeClosing = ETCD.currentRevision();
    for (int i = 0; i < nodes; i++) {
      registry.closed(i);
    }
    await().atMost(CONVERGE).until(() -> reader.list().isEmpty());
    assertThat(ETCD.currentRevision() - beforeClosing).isLessThan(nodes / 10);
  }

  @Test
  void reconnectingProxy_keepsItsRecord_untilItsLastStreamCloses() {
    publisher("replica-1", registry);
    registry.opened(1, "node-a", CHECKOUT);
    registry.acked(1, CDS, "old-stream");
    registry.opened(2, "node-a", CHECKOUT);
    registry.acked(2, CDS, "new-stream");

    registry.closed(1);
    // The node's other stream is still open: its record stays, with the newer stream's state.
    registry.opened(3, "node-b", CHECKOUT);
    await().atMost(CONVERGE).until(() -> reader.get("node-b").isPresent());
    assertThat(ackedCds("node-a")).contains("new-stream");

    registry.closed(2);
    await().atMost(CONVERGE).until(() -> reader.get("node-a").isEmpty());
    assertThat(reader.list()).extracting(ProxyStatusRecord::nodeId).containsExactly("node-b");
  }

  @Test
  void closedStream_leavesTheRecordOfAnotherReplica_thatNowServesTheProxy() {
    ProxyStatusRegistry otherRegistry = new ProxyStatusRegistry(Clock.systemUTC());
    publisher("replica-1", registry);
    publisher("replica-2", otherRegistry);
    registry.opened(1, "node-a", CHECKOUT);
    await().atMost(CONVERGE).until(() -> reader.get("node-a").isPresent());
    // The proxy reconnects to replica-2 before replica-1 notices its old stream is gone.
    otherRegistry.opened(1, "node-a", CHECKOUT);
    await().atMost(CONVERGE).until(() -> reader.get("node-a")
        .map(ProxyStatusRecord::replica).orElse("").equals("replica-2"));

    registry.closed(1);
    // replica-1 has one writer thread: once node-b is written, node-a's close was handled.
    registry.opened(2, "node-b", CHECKOUT);
    await().atMost(CONVERGE).until(() -> reader.get("node-b").isPresent());

    assertThat(reader.get("node-a")).map(ProxyStatusRecord::replica).contains("replica-2");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void whileEtcdIsDown_streamsAreNotHeldUp_andTheStatusArrivesWhenItIsBack() throws Exception {
    publisher("replica-1", registry);
    ETCD.stop();
    try {
      registry.opened(1, "node-a", CHECKOUT);
      for (int i = 1; i <= 50; i++) {
        // Each would wait out the etcd call timeout if the publisher wrote on this thread.
        registry.acked(1, CDS, "v" + i);
      }
      assertThat(registry.byNode("node-a")).singleElement()
          .satisfies(s -> assertThat(s.ackedVersions()).containsEntry(CDS, "v50"));
    } finally {
      ETCD.start();
    }

    await().atMost(CONVERGE).until(() -> ackedCds("node-a"), Optional.of("v50")::equals);
  }
}
