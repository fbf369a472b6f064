package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.KEYS;
import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.delete;
import static io.paymesh.config.store.TestDocuments.put;
import static io.paymesh.config.store.TestDocuments.serviceJson;
import static io.paymesh.config.store.TestDocuments.serviceKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinToken;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdPolicyWatcherTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration WINDOW = Duration.ofMillis(50);

  private final SnapshotRecorder recorder = new SnapshotRecorder();
  private EtcdPolicyWatcher watcher;

  @BeforeEach
  void wipe() throws Exception {
    ETCD.deleteAll();
  }

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private void startWatcher(Duration window) {
    watcher = new EtcdPolicyWatcher(ETCD.client(), PREFIX, new PolicyCodec(), window, recorder);
    watcher.start();
  }

  @Test
  void initialList_publishesSnapshotAtListRevisionWithDocumentsAndEndpoints() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    put(ETCD.client(), serviceKey("payments-v1"), serviceJson("payments-v1"));
    put(ETCD.client(), KEYS.endpointKey("payments-v1", "i-1"),
        "{\"address\":\"127.0.0.1\",\"port\":50051}");
    put(ETCD.client(), KEYS.statusPrefix() + "proxies/checkout~1", "{\"acked\":\"v1\"}");
    long revision = put(ETCD.client(), KEYS.auditPrefix() + "42", "{\"who\":\"ops\"}");

    startWatcher(WINDOW);

    await().atMost(WAIT).until(recorder::any);
    PolicySnapshot first = recorder.all().get(0);
    assertThat(first.revision()).isEqualTo(revision);
    assertThat(first.services()).containsOnlyKeys("checkout", "payments-v1");
    assertThat(first.endpointsOf("payments-v1"))
        .containsExactly(new Endpoint("payments-v1", "i-1", "127.0.0.1", 50051, "default", 1));
    assertThat(first.rejected()).isEmpty();
    assertThat(watcher.current()).contains(first);
  }

  @Test
  void putAndDelete_eachPublishNewSnapshot() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    long added = put(ETCD.client(), serviceKey("payments-v1"), serviceJson("payments-v1"));
    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("payments-v1"));
    assertThat(recorder.last().revision()).isEqualTo(added);
    assertThat(recorder.last().services()).containsOnlyKeys("checkout", "payments-v1");

    long deleted = delete(ETCD.client(), serviceKey("checkout"));
    await().atMost(WAIT).until(() -> !recorder.last().services().containsKey("checkout"));
    assertThat(recorder.last().revision()).isEqualTo(deleted);
    assertThat(recorder.last().services()).containsOnlyKeys("payments-v1");
  }

  @Test
  void writesOutsidePolicyInput_doNotPublish() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    put(ETCD.client(), KEYS.statusPrefix() + "proxies/checkout~1", "{\"acked\":\"v2\"}");
    // Rewriting a document with identical content changes nothing either.
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    long marker = put(ETCD.client(), serviceKey("marker"), serviceJson("marker"));

    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("marker"));
    assertThat(recorder.all()).hasSize(2);
    assertThat(recorder.last().revision()).isEqualTo(marker);
  }

  @Test
  void statusAuditAndProposalWrites_neverReachTheWatcher() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    for (int i = 0; i < 20; i++) {
      put(ETCD.client(), KEYS.statusPrefix() + "proxies/checkout~" + i, "{\"acked\":\"v2\"}");
      put(ETCD.client(), KEYS.auditPrefix() + i, "{\"who\":\"ops\"}");
    }
    put(ETCD.client(), KEYS.proposalKey("p-1"), "{}");
    put(ETCD.client(), serviceKey("marker"), serviceJson("marker"));

    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("marker"));
    assertThat(watcher.eventsReceived()).isEqualTo(1);
  }

  @Test
  void progressNotifications_moveTheRevisionOn_whileThePolicyIsQuiet() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
    long listed = watcher.revision();

    long busy = 0;
    for (int i = 0; i < 5; i++) {
      busy = put(ETCD.client(), KEYS.statusPrefix() + "proxies/checkout~" + i, "{}");
    }
    assertThat(watcher.revision()).isEqualTo(listed);
    // The watcher shares this client: a progress request reaches its watch.
    ETCD.client().getWatchClient().requestProgress();

    long expected = busy;
    await().atMost(WAIT).until(() -> watcher.revision() >= expected);
    assertThat(recorder.all()).hasSize(1);
  }

  @Test
  void identityWrites_areNotPolicyInput_andPublishNothing() throws Exception {
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    JoinTokens tokens = new JoinTokens(ETCD.client(), PREFIX);
    JoinToken used = tokens.create("checkout", Actor.SYSTEM, Optional.empty()).token();
    tokens.create("checkout", Actor.SYSTEM, Optional.empty());
    assertThat(tokens.consume(used, "checkout").consumed()).isTrue();
    new IdentityRevocations(ETCD.client(), PREFIX).revoke("checkout", Actor.SYSTEM,
        Optional.empty());
    long marker = put(ETCD.client(), serviceKey("marker"), serviceJson("marker"));

    await().atMost(WAIT).until(() -> recorder.last().services().containsKey("marker"));
    assertThat(recorder.all()).hasSize(2);
    assertThat(recorder.last().revision()).isEqualTo(marker);
    assertThat(recorder.last().rejected()).isEmpty();
  }

  @Test
  void invalidDocuments_areRejectedWithReasons_whileOthersApply() throws Exception {
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    String wrongKind = KEYS.policyKey(Kind.ROUTE_TABLE, "checkout");
    String wrongName = serviceKey("other");
    String unknownKind = KEYS.policyPrefix() + "virtualservices/edge";
    String badEndpoint = KEYS.endpointKey("checkout", "i-2");
    long r1 = put(ETCD.client(), wrongKind, serviceJson("checkout"));
    long r2 = put(ETCD.client(), wrongName, serviceJson("checkout"));
    long r3 = put(ETCD.client(), unknownKind, serviceJson("edge"));
    long r4 = put(ETCD.client(), badEndpoint, "{\"address\":\"\",\"port\":0,\"weight\":0,\"x\":1}");
    put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));
    put(ETCD.client(), KEYS.endpointKey("checkout", "i-1"),
        "{\"address\":\"127.0.0.1\",\"port\":50051,\"zone\":\"local\",\"weight\":3}");

    await().atMost(WAIT).until(() -> recorder.last().endpoints().containsKey("checkout"));
    PolicySnapshot last = recorder.last();
    assertThat(last.services()).containsOnlyKeys("checkout");
    assertThat(last.endpointsOf("checkout"))
        .containsExactly(new Endpoint("checkout", "i-1", "127.0.0.1", 50051, "local", 3));
    assertThat(last.rejected())
        .containsExactly(
            new RejectedDocument(badEndpoint, r4, List.of("x: unknown field",
                "address: required", "port: must be between 1 and 65535", "weight: must be >= 1")),
            new RejectedDocument(wrongKind, r1,
                List.of("kind: must be RouteTable under this key, was Service")),
            new RejectedDocument(wrongName, r2,
                List.of("name: must be other under this key, was checkout")),
            new RejectedDocument(unknownKind, r3,
                List.of("key: unknown kind segment 'virtualservices'")));
  }

  @Test
  void endpointValue_outOfRange_isRejectedWithEveryReason() throws Exception {
    startWatcher(WINDOW);
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
    String key = KEYS.endpointKey("checkout", "i-9");

    long revision = put(ETCD.client(), key, "{\"address\":\" \",\"port\":70000,\"weight\":0}");

    await().atMost(WAIT).until(() -> !recorder.last().rejected().isEmpty());
    assertThat(recorder.last().rejected())
        .containsExactly(new RejectedDocument(key, revision, List.of(
            "address: required", "port: must be between 1 and 65535", "weight: must be >= 1")));
    assertThat(recorder.last().endpoints()).isEmpty();
  }

  @Test
  void burstOfPuts_isCoalescedIntoFewerSnapshots() throws Exception {
    startWatcher(Duration.ofSeconds(1));
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
    int before = recorder.count();
    int puts = 30;

    for (int i = 0; i < puts; i++) {
      put(ETCD.client(), serviceKey("svc-" + i), serviceJson("svc-" + i));
    }

    await().atMost(WAIT).until(() -> recorder.last().services().size() == puts);
    // The first put at once, the rest when the burst pauses (or after 10 windows at most).
    assertThat(recorder.count() - before).isBetween(1, 3);
    assertThat(recorder.last().revision()).isEqualTo(ETCD.currentRevision());
  }

  @Test
  void aSingleChangeAfterAQuietSpell_isPublishedWithoutWaitingForTheWindow() throws Exception {
    // A window far longer than the wait below: only the leading edge can publish in time.
    startWatcher(Duration.ofMinutes(5));
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());

    long revision = put(ETCD.client(), serviceKey("checkout"), serviceJson("checkout"));

    await().atMost(WAIT).until(() -> recorder.last().revision() == revision);
    assertThat(recorder.last().services()).containsKey("checkout");
  }
}
