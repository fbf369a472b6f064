package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.KEYS;
import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.delete;
import static io.paymesh.config.store.TestDocuments.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.validation.Fixtures;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.TcpProxy;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A policy document damaged by a write around the repository never takes anything away: the
 * watcher (and the repository's snapshot) keep its last good version, seen earlier or found in
 * etcd's bounded history, and list the damage; a delete still removes it.
 */
class DamagedPolicyInputTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Duration WINDOW = Duration.ofMillis(50);
  private static final PolicyCodec CODEC = new PolicyCodec();

  private final SnapshotRecorder recorder = new SnapshotRecorder();
  private EtcdPolicyWatcher watcher;
  private TcpProxy proxy;
  private Client proxiedClient;

  @BeforeEach
  void wipe() throws Exception {
    ETCD.deleteAll();
  }

  @AfterEach
  void closeWatcher() {
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

  /** A watcher whose connection the test can cut, to make it re-list after a compaction. */
  private void startWatcherBehindProxy() throws Exception {
    proxy = TcpProxy.to(ETCD.endpoint());
    proxiedClient = Client.builder().endpoints(proxy.endpoint()).build();
    watcher = new EtcdPolicyWatcher(proxiedClient, PREFIX, CODEC, WINDOW, recorder);
    watcher.start();
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
  }

  /** One valid document per kind; a switch expression, so a new Kind does not compile until here. */
  static PolicyResource documentOf(Kind kind) {
    return switch (kind) {
      case SERVICE -> Fixtures.service(s -> {});
      case PAYMENT_PROCESSOR -> Fixtures.processor(p -> {});
      case ROUTE_TABLE -> Fixtures.routeTable(t -> {});
      case AUTHORIZATION_POLICY -> Fixtures.authorizationPolicy(a -> {});
      case PEER_AUTHENTICATION -> Fixtures.peerAuthentication(p -> {});
      case REQUEST_AUTHENTICATION -> Fixtures.requestAuthentication(a -> {});
      case RATE_LIMIT_POLICY -> Fixtures.rateLimitPolicy(r -> {});
      case GATEWAY -> Fixtures.gateway(g -> {});
    };
  }

  /** The canonical JSON with an unknown field in its spec: well-formed, but does not decode. */
  private static String damaged(PolicyResource resource) {
    return CODEC.toJson(resource).replace("\"spec\":{", "\"spec\":{\"bogus\":1,");
  }

  private static String serviceKeyOf(String name) {
    return KEYS.policyKey(Kind.SERVICE, name);
  }

  private static String key(PolicyResource resource) {
    return KEYS.policyKey(resource.kind(), resource.name());
  }

  private void startWatcher() {
    watcher = new EtcdPolicyWatcher(ETCD.client(), PREFIX, CODEC, WINDOW, recorder);
    watcher.start();
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
  }

  private PolicyRepository repository() {
    return new PolicyRepository(ETCD.client(), PREFIX, CODEC);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void damagedWhileWatched_keepsTheLastGoodVersion_andListsTheDamage(Kind kind) throws Exception {
    PolicyResource good = documentOf(kind);
    startWatcher();
    long goodRevision = put(ETCD.client(), key(good), CODEC.toJson(good));
    await().atMost(WAIT).until(() -> recorder.last().resources().contains(good));

    long damagedRevision = put(ETCD.client(), key(good), damaged(good));

    await().atMost(WAIT).until(() -> !recorder.last().rejected().isEmpty());
    PolicySnapshot last = recorder.last();
    assertThat(last.resources()).containsExactly(good);
    assertThat(last.rejected()).containsExactly(new RejectedDocument(key(good), damagedRevision,
        List.of("bogus: unknown field"), OptionalLong.of(goodRevision)));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void damagedBeforeStart_keepsTheLastGoodVersionFoundInHistory(Kind kind) throws Exception {
    PolicyResource good = documentOf(kind);
    long goodRevision = put(ETCD.client(), key(good), CODEC.toJson(good));
    put(ETCD.client(), key(good), "{not json");
    long damagedRevision = put(ETCD.client(), key(good), damaged(good));

    startWatcher();

    PolicySnapshot first = recorder.all().get(0);
    assertThat(first.resources()).containsExactly(good);
    assertThat(first.rejected()).extracting(RejectedDocument::modRevision,
            RejectedDocument::keptModRevision)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(damagedRevision,
            OptionalLong.of(goodRevision)));
    // The admin API's view of the policy is the same.
    assertThat(repository().loadSnapshot().resources()).containsExactly(good);
    assertThat(repository().loadSnapshot().rejected()).isEqualTo(first.rejected());
  }

  @Test
  void damagedSinceCreation_keepsNothing_andSaysSo() throws Exception {
    PolicyResource service = documentOf(Kind.SERVICE);
    long damagedRevision = put(ETCD.client(), key(service), damaged(service));

    startWatcher();

    assertThat(recorder.last().services()).isEmpty();
    assertThat(recorder.last().rejected()).containsExactly(new RejectedDocument(key(service),
        damagedRevision, List.of("bogus: unknown field")));
    assertThat(recorder.last().rejected().get(0).nothingKept()).isTrue();
  }

  @Test
  void compactedHistory_keepsNothing() throws Exception {
    PolicyResource service = documentOf(Kind.SERVICE);
    put(ETCD.client(), key(service), CODEC.toJson(service));
    put(ETCD.client(), key(service), damaged(service));
    ETCD.compact();

    startWatcher();

    assertThat(recorder.last().services()).isEmpty();
    assertThat(recorder.last().rejected()).singleElement()
        .satisfies(r -> assertThat(r.nothingKept()).isTrue());
  }

  @Test
  void history_isSearchedAtMostTenVersionsBack() throws Exception {
    PolicyResource withinReach = Fixtures.service(s -> s.name = "within-reach");
    PolicyResource outOfReach = Fixtures.service(s -> s.name = "out-of-reach");
    long kept = put(ETCD.client(), key(withinReach), CODEC.toJson(withinReach));
    put(ETCD.client(), key(outOfReach), CODEC.toJson(outOfReach));
    for (int i = 0; i < PolicyHistory.MAX_VERSIONS_BACK; i++) {
      put(ETCD.client(), key(withinReach), "{not json " + i);
      put(ETCD.client(), key(outOfReach), "{not json " + i);
    }
    put(ETCD.client(), key(outOfReach), "{one damaged version too many");

    startWatcher();

    assertThat(recorder.last().services()).containsOnlyKeys("within-reach");
    assertThat(recorder.last().rejected())
        .extracting(RejectedDocument::key, RejectedDocument::keptModRevision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(key(outOfReach), OptionalLong.empty()),
            org.assertj.core.groups.Tuple.tuple(key(withinReach), OptionalLong.of(kept)));
  }

  @Test
  void deletingADamagedDocument_removesIt() throws Exception {
    PolicyResource service = documentOf(Kind.SERVICE);
    startWatcher();
    put(ETCD.client(), key(service), CODEC.toJson(service));
    put(ETCD.client(), key(service), damaged(service));
    await().atMost(WAIT).until(() -> !recorder.last().rejected().isEmpty());

    delete(ETCD.client(), key(service));

    await().atMost(WAIT).until(() -> recorder.last().rejected().isEmpty());
    assertThat(recorder.last().services()).isEmpty();
  }

  @Test
  void recreatedDamaged_doesNotBringBackTheDeletedVersion() throws Exception {
    PolicyResource service = documentOf(Kind.SERVICE);
    put(ETCD.client(), key(service), CODEC.toJson(service));
    delete(ETCD.client(), key(service));
    put(ETCD.client(), key(service), damaged(service));
    startWatcher();
    assertThat(recorder.last().services()).isEmpty();

    // Same while watched: the delete forgets the last good version.
    put(ETCD.client(), key(service), CODEC.toJson(service));
    await().atMost(WAIT).until(() -> recorder.last().rejected().isEmpty());
    delete(ETCD.client(), key(service));
    long recreated = put(ETCD.client(), key(service), damaged(service));

    await().atMost(WAIT).until(() -> !recorder.last().rejected().isEmpty());
    assertThat(recorder.last().services()).isEmpty();
    assertThat(recorder.last().rejected()).containsExactly(new RejectedDocument(key(service),
        recreated, List.of("bogus: unknown field")));
  }

  @Test
  void repairingADamagedDocument_servesTheRepair_andClearsTheDamage() throws Exception {
    PolicyResource strict = Fixtures.peerAuthentication(p -> {});
    PolicyResource permissive = Fixtures.peerAuthentication(p -> p.mode = MtlsMode.PERMISSIVE);
    startWatcher();
    put(ETCD.client(), key(strict), CODEC.toJson(strict));
    put(ETCD.client(), key(strict), damaged(strict));
    await().atMost(WAIT).until(() -> !recorder.last().rejected().isEmpty());

    put(ETCD.client(), key(permissive), CODEC.toJson(permissive));

    await().atMost(WAIT).until(() -> recorder.last().rejected().isEmpty());
    assertThat(recorder.last().resources()).containsExactly(permissive);
  }

  @Test
  void relistAfterCompaction_keepsTheLastGoodVersionTheWatcherRemembered() throws Exception {
    PolicyResource service = documentOf(Kind.SERVICE);
    long good = put(ETCD.client(), key(service), CODEC.toJson(service));
    startWatcherBehindProxy();

    proxy.cut();
    await().atMost(WAIT).until(() -> !watcher.isWatching());
    long damaged = put(ETCD.client(), key(service), damaged(service));
    ETCD.compact();
    proxy.restore();

    await().atMost(WAIT).until(() -> !recorder.last().rejected().isEmpty());
    assertThat(recorder.last().resources()).containsExactly(service);
    assertThat(recorder.last().rejected()).containsExactly(new RejectedDocument(key(service),
        damaged, List.of("bogus: unknown field"), OptionalLong.of(good)));
  }

  @Test
  void relist_doesNotKeepAVersionOfAKeyDeletedAndRecreatedMeanwhile() throws Exception {
    PolicyResource service = documentOf(Kind.SERVICE);
    put(ETCD.client(), key(service), CODEC.toJson(service));
    startWatcherBehindProxy();

    proxy.cut();
    await().atMost(WAIT).until(() -> !watcher.isWatching());
    put(ETCD.client(), serviceKeyOf("unrelated"),
        CODEC.toJson(Fixtures.service(s -> s.name = "unrelated")));
    long deleted = delete(ETCD.client(), key(service));
    long recreated = put(ETCD.client(), key(service), damaged(service));
    // Compacted past where the watch would resume (so it re-lists), but not past the delete: the
    // history still shows that the key did not exist just before the damaged version.
    ETCD.client().getKVClient().compact(deleted).get(10, TimeUnit.SECONDS);
    proxy.restore();

    await().atMost(WAIT).until(() -> recorder.last().revision() >= recreated);
    assertThat(recorder.last().services()).containsOnlyKeys("unrelated");
    assertThat(recorder.last().rejected()).containsExactly(new RejectedDocument(key(service),
        recreated, List.of("bogus: unknown field")));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void repositoryRead_describesADamagedDocument(Kind kind) throws Exception {
    PolicyResource good = documentOf(kind);
    long goodRevision = put(ETCD.client(), key(good), CODEC.toJson(good));
    long damagedRevision = put(ETCD.client(), key(good), damaged(good));
    PolicyRepository repository = repository();

    StoredVersion read = repository.read(kind, good.name()).orElseThrow();

    assertThat(read).isInstanceOf(StoredVersion.Damaged.class);
    DamagedDocument damaged = ((StoredVersion.Damaged) read).damaged();
    assertThat(damaged.document()).isEqualTo(good.key());
    assertThat(damaged.modRevision()).isEqualTo(damagedRevision);
    assertThat(damaged.storedText()).isEqualTo(damaged(good));
    assertThat(damaged.errors()).containsExactly("bogus: unknown field");
    assertThat(damaged.lastGood())
        .contains(new StoredDocument(key(good), good, goodRevision));
    assertThat(repository.listVersions(kind)).containsExactly(read);
    assertThat(repository.list(kind)).isEmpty();
  }

  @Test
  void repositoryRead_ofAValidDocument_isValid() throws Exception {
    PolicyResource good = documentOf(Kind.SERVICE);
    long revision = put(ETCD.client(), key(good), CODEC.toJson(good));

    assertThat(repository().read(Kind.SERVICE, good.name()))
        .contains(new StoredVersion.Valid(new StoredDocument(key(good), good, revision)));
    assertThat(repository().read(Kind.SERVICE, "absent")).isEmpty();
  }
}
