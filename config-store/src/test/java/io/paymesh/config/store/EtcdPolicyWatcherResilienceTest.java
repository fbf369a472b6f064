package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.delete;
import static io.paymesh.config.store.TestDocuments.put;
import static io.paymesh.config.store.TestDocuments.serviceJson;
import static io.paymesh.config.store.TestDocuments.serviceKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.TcpProxy;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The watcher across etcd restarts, network cuts and compaction; each test owns its etcd state. */
class EtcdPolicyWatcherResilienceTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration WINDOW = Duration.ofMillis(50);

  private final SnapshotRecorder recorder = new SnapshotRecorder();
  private EtcdPolicyWatcher watcher;
  private TcpProxy proxy;
  private Client proxiedClient;

  @BeforeEach
  void wipe() throws Exception {
    if (!ETCD.isRunning()) {
      ETCD.start();
    }
    ETCD.deleteAll();
  }

  @AfterEach
  void cleanUp() {
    if (watcher != null) {
      watcher.close();
    }
    if (proxiedClient != null) {
      proxiedClient.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void etcdRestart_keepsLastSnapshot_andResumesWithChangesAfterRestart() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    watcher = new EtcdPolicyWatcher(ETCD.client(), PREFIX, new PolicyCodec(), WINDOW, recorder);
    watcher.start();
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
    PolicySnapshot beforeRestart = recorder.last();

    ETCD.stop();
    await().atMost(WAIT).until(() -> !watcher.isWatching());
    assertThat(watcher.current()).containsSame(beforeRestart);
    assertThat(recorder.last()).isSameAs(beforeRestart);

    ETCD.start();
    long revision = put(ETCD.client(), serviceKey("payments-v1"), serviceJson("payments-v1"));

    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("payments-v1"));
    assertThat(recorder.last().services()).containsOnlyKeys("checkout", "payments-v1");
    assertThat(recorder.last().revision()).isEqualTo(revision);
    assertThat(watcher.isWatching()).isTrue();
  }

  @Test
  void compactionWhileDisconnected_relistsAndPublishesCurrentContent() throws Exception {
    proxy = TcpProxy.to(ETCD.endpoint());
    proxiedClient = Client.builder().endpoints(proxy.endpoint()).build();
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    put(ETCD.client(), serviceKey("legacy"), serviceJson("legacy"));
    watcher = new EtcdPolicyWatcher(proxiedClient, PREFIX, new PolicyCodec(), WINDOW, recorder);
    watcher.start();
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
    PolicySnapshot beforeCut = recorder.last();

    proxy.cut();
    await().atMost(WAIT).until(() -> !watcher.isWatching());
    put(ETCD.client(), serviceKey("payments-v1"), serviceJson("payments-v1"));
    delete(ETCD.client(), serviceKey("legacy"));
    long compacted = ETCD.compact();
    assertThat(recorder.last()).isSameAs(beforeCut);
    proxy.restore();

    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("payments-v1"));
    PolicySnapshot relisted = recorder.last();
    assertThat(relisted.services()).containsOnlyKeys("checkout", "payments-v1");
    // The history after the cut is compacted away: this content can only come from a re-list.
    assertThat(relisted.revision()).isEqualTo(compacted);
    await().atMost(WAIT).until(watcher::isWatching);

    long after = put(ETCD.client(), serviceKey("ledger"), serviceJson("ledger"));
    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("ledger"));
    assertThat(recorder.last().revision()).isEqualTo(after);
  }

  @Test
  void networkCut_resumesFromLastRevision_withoutLosingEvents() throws Exception {
    proxy = TcpProxy.to(ETCD.endpoint());
    proxiedClient = Client.builder().endpoints(proxy.endpoint()).build();
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    watcher = new EtcdPolicyWatcher(proxiedClient, PREFIX, new PolicyCodec(), WINDOW, recorder);
    watcher.start();
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    proxy.cut();
    await().atMost(WAIT).until(() -> !watcher.isWatching());
    put(ETCD.client(), serviceKey("payments-v1"), serviceJson("payments-v1"));
    long last = delete(ETCD.client(), serviceKey("checkout"));
    proxy.restore();

    await().atMost(WAIT).until(() -> !recorder.last().services().containsKey("checkout"));
    assertThat(recorder.last().services()).containsOnlyKeys("payments-v1");
    // Resumed by replaying the missed events: the snapshot carries the delete's revision.
    assertThat(recorder.last().revision()).isEqualTo(last);
  }

  @Test
  void startWhileEtcdIsDown_publishesFirstSnapshotOnceEtcdIsUp() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    ETCD.stop();
    watcher = new EtcdPolicyWatcher(ETCD.client(), PREFIX, new PolicyCodec(), WINDOW, recorder);
    watcher.start();
    assertThat(watcher.current()).isEmpty();

    ETCD.start();

    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
    assertThat(recorder.all()).hasSize(1);
    assertThat(recorder.last().services()).containsOnlyKeys("checkout");
  }
}
