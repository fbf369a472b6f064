package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.KEYS;
import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.put;
import static io.paymesh.config.store.TestDocuments.service;
import static io.paymesh.config.store.TestDocuments.serviceKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository's consistent reads: list of one kind, and the whole snapshot. */
class RepositoryReadTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final PolicyCodec codec = new PolicyCodec();
  private final SnapshotRecorder recorder = new SnapshotRecorder();
  private PolicyRepository repository;
  private EtcdPolicyWatcher watcher;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec);
  }

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }

  /** Valid documents, an endpoint, a rejected document, and keys that are not policy input. */
  private void writeMixedStore() throws Exception {
    repository.putAll(List.of(service("payments", List.of()), service("checkout",
        List.of("payments"))));
    put(ETCD.client(), KEYS.endpointKey("payments", "i-1"),
        "{\"address\":\"127.0.0.1\",\"port\":50051,\"zone\":\"eu-west-1a\"}");
    put(ETCD.client(), serviceKey("broken"), "{\"kind\":\"Service\",\"name\":\"broken\"}");
    put(ETCD.client(), KEYS.statusPrefix() + "proxies/checkout~1", "{}");
  }

  @Test
  void loadSnapshot_equalsWhatTheWatcherPublishesForTheSameData() throws Exception {
    writeMixedStore();

    PolicySnapshot loaded = repository.loadSnapshot();
    watcher = new EtcdPolicyWatcher(ETCD.client(), PREFIX, codec, Duration.ofMillis(20), recorder);
    watcher.start();
    await().atMost(WAIT).until(recorder::any);
    PolicySnapshot published = recorder.last();

    assertThat(loaded.revision()).isEqualTo(ETCD.currentRevision());
    assertThat(published.revision()).isEqualTo(loaded.revision());
    assertThat(loaded.sameContentAs(published)).isTrue();
    assertThat(loaded.services()).containsOnlyKeys("checkout", "payments");
    assertThat(loaded.endpointsOf("payments"))
        .containsExactly(new Endpoint("payments", "i-1", "127.0.0.1", 50051, "eu-west-1a", 1));
    assertThat(loaded.rejected()).extracting(RejectedDocument::key)
        .containsExactly(serviceKey("broken"));
    assertThat(loaded.rejected().get(0).errors()).isEqualTo(published.rejected().get(0).errors());
  }

  @Test
  void loadSnapshot_ofEmptyStore_isEmptyAtCurrentRevision() throws Exception {
    PolicySnapshot loaded = repository.loadSnapshot();

    assertThat(loaded.resources()).isEmpty();
    assertThat(loaded.rejected()).isEmpty();
    assertThat(loaded.revision()).isEqualTo(ETCD.currentRevision());
  }

  @Test
  void list_returnsValidDocumentsOfOneKindSortedByName_withModRevisions() throws Exception {
    writeMixedStore();
    long ledger = repository.put(service("ledger", List.of()));

    List<StoredDocument> services = repository.list(Kind.SERVICE);

    assertThat(services).extracting(d -> d.resource().key()).containsExactly(
        new ResourceKey(Kind.SERVICE, "checkout"), new ResourceKey(Kind.SERVICE, "ledger"),
        new ResourceKey(Kind.SERVICE, "payments"));
    assertThat(services.get(1))
        .isEqualTo(new StoredDocument(serviceKey("ledger"), service("ledger", List.of()), ledger));
    assertThat(repository.list(Kind.ROUTE_TABLE)).isEmpty();
  }
}
