package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.bytes;
import static io.paymesh.config.store.TestDocuments.service;
import static io.paymesh.config.store.TestDocuments.withDependency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.idempotency.IdempotencyRecord;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.model.Service;
import io.paymesh.config.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Commits under an idempotency key against a real etcd: the record is written in the commit's
 * transaction, a used key applies nothing, racing commits with one key apply once, and a commit
 * whose answer was lost is unknown to the caller but known to its key.
 */
class IdempotentCommitTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final ResourceKey CHECKOUT = new ResourceKey(Kind.SERVICE, "checkout");
  private static final Actor ALICE = new Actor("alice", "rollout");
  private static final IdempotencyClaim CLAIM =
      new IdempotencyClaim("alice", "key-1", "fingerprint-1", "PUT /v1/services/checkout");
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final PolicyCodec codec = new PolicyCodec();
  private final List<Client> clients = new ArrayList<>();
  private PolicyRepository repository;
  private IdempotencyRecords records;
  private AuditLog audit;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec, TIMEOUT);
    records = new IdempotencyRecords(ETCD.client(), PREFIX, TIMEOUT);
    audit = new AuditLog(ETCD.client(), PREFIX);
  }

  @AfterEach
  void closeClients() {
    clients.forEach(Client::close);
  }

  @Test
  void commit_underAKey_storesItsRecordAtTheCommitRevision_onARetentionLease() throws Exception {
    CommitResult result = repository.commit(List.of(create(service("checkout", List.of()))),
        ALICE, false, Optional.of(CLAIM));

    IdempotencyRecord record = records.find("alice", "key-1").orElseThrow();
    assertThat(record.claim()).isEqualTo(CLAIM);
    assertThat(record.revision()).isEqualTo(result.revision());
    assertThat(CommitSummary.of(record)).isEqualTo(result.summary());
    assertThat(result.summary().changes())
        .containsExactly(new CommitSummary.Entry(CHECKOUT, Operation.CREATE));

    KeyValue stored = onlyRecordInEtcd();
    long ttl = ETCD.client().getLeaseClient().timeToLive(stored.getLease(),
        io.etcd.jetcd.options.LeaseOption.DEFAULT).get(10, TimeUnit.SECONDS).getTTL();
    assertThat(ttl).isBetween(IdempotencyRecords.RETENTION.toSeconds() - 60,
        IdempotencyRecords.RETENTION.toSeconds());
  }

  @Test
  void commit_underAUsedKey_writesNothing_andNamesTheFirstCommit() throws Exception {
    Service v1 = service("checkout", List.of());
    long first = repository.commit(List.of(create(v1)), ALICE, false, Optional.of(CLAIM))
        .revision();
    long revisionBefore = ETCD.currentRevision();

    IdempotencyKeyUsedException used = catchThrowableOfType(IdempotencyKeyUsedException.class,
        () -> repository.commit(List.of(Change.put(withDependency(v1, "payments"),
            new Precondition.Any())), ALICE, false, Optional.of(CLAIM)));

    assertThat(used.record().revision()).isEqualTo(first);
    assertThat(ETCD.currentRevision()).isEqualTo(revisionBefore);
    assertThat(repository.get(Kind.SERVICE, "checkout").orElseThrow().resource()).isEqualTo(v1);
    assertThat(audit.page(Optional.of(CHECKOUT), 0, 10).entries()).hasSize(1);
  }

  @Test
  void commit_underAKey_refusedByItsPrecondition_storesNoRecord() throws Exception {
    repository.commit(List.of(create(service("checkout", List.of()))), ALICE, false);

    assertThatThrownBy(() -> repository.commit(List.of(create(service("checkout", List.of()))),
        ALICE, false, Optional.of(CLAIM))).isInstanceOf(PreconditionFailedException.class);

    assertThat(records.find("alice", "key-1")).isEmpty();
    assertThat(ETCD.client().getKVClient().get(bytes(PREFIX + "idempotency/"),
        GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs()).isEmpty();
  }

  @Test
  void theSameKey_ofAnotherCaller_isAnotherKey() throws Exception {
    repository.commit(List.of(create(service("checkout", List.of()))), ALICE, false,
        Optional.of(CLAIM));
    IdempotencyClaim bobs = new IdempotencyClaim("bob", "key-1", "fingerprint-2",
        "PUT /v1/services/payments");

    repository.commit(List.of(create(service("payments", List.of()))), new Actor("bob", null),
        false, Optional.of(bobs));

    assertThat(records.find("bob", "key-1").orElseThrow().claim()).isEqualTo(bobs);
    assertThat(records.find("alice", "key-1").orElseThrow().claim()).isEqualTo(CLAIM);
  }

  @Test
  void racingCommits_withOneKey_onSeveralClients_applyOnce() throws Exception {
    int writers = 8;
    Service v1 = service("checkout", List.of());
    repository.commit(List.of(create(v1)), ALICE, false);
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Optional<Long>>> outcomes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        // Each writer its own client, as on separate admin API replicas.
        PolicyRepository replica = new PolicyRepository(newClient(), PREFIX, codec, TIMEOUT);
        Service version = withDependency(v1, "dependency-" + i);
        Callable<Optional<Long>> write = () -> {
          start.await();
          try {
            return Optional.of(replica.commit(List.of(Change.put(version, new Precondition.Any())),
                ALICE, false, Optional.of(CLAIM)).revision());
          } catch (IdempotencyKeyUsedException e) {
            return Optional.empty();
          }
        };
        outcomes.add(pool.submit(write));
      }
      start.countDown();
      List<Long> committed = new ArrayList<>();
      for (Future<Optional<Long>> outcome : outcomes) {
        outcome.get(30, TimeUnit.SECONDS).ifPresent(committed::add);
      }

      assertThat(committed).hasSize(1);
      assertThat(records.find("alice", "key-1").orElseThrow().revision())
          .isEqualTo(committed.get(0));
      assertThat(audit.page(Optional.of(CHECKOUT), 0, 20).entries())
          .extracting(AuditEntry::operation)
          .containsExactly(Operation.CREATE, Operation.UPDATE);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aCommitWhoseAnswerIsLost_isUnknown_butItsKeyKnowsItsOutcome() throws Exception {
    LostTxnAnswers lost = new LostTxnAnswers();
    Client faulty = track(Client.builder().endpoints(ETCD.endpoint()).interceptor(lost).build());
    PolicyRepository cut = new PolicyRepository(faulty, PREFIX, codec, TIMEOUT);
    Service v1 = service("checkout", List.of());
    lost.arm();

    assertThatThrownBy(() -> cut.commit(List.of(create(v1)), ALICE, false, Optional.of(CLAIM)))
        .isInstanceOf(CommitOutcomeUnknownException.class);

    lost.disarm();
    long applied = repository.get(Kind.SERVICE, "checkout").orElseThrow().modRevision();
    IdempotencyKeyUsedException retry = catchThrowableOfType(IdempotencyKeyUsedException.class,
        () -> cut.commit(List.of(create(v1)), ALICE, false, Optional.of(CLAIM)));
    assertThat(retry.record().revision()).isEqualTo(applied);
    assertThat(CommitSummary.of(retry.record()).changes())
        .containsExactly(new CommitSummary.Entry(CHECKOUT, Operation.CREATE));
    assertThat(audit.page(Optional.of(CHECKOUT), 0, 10).entries()).hasSize(1);
  }

  @Test
  void aCommitThatFailsBeforeItsTransaction_isKnownToHaveChangedNothing() throws Exception {
    ETCD.stop();
    try {
      assertThatThrownBy(() -> repository.commit(List.of(create(service("checkout", List.of()))),
          ALICE, false, Optional.of(CLAIM)))
          .isInstanceOf(PolicyStoreException.class)
          .isNotInstanceOf(CommitOutcomeUnknownException.class);
    } finally {
      ETCD.start();
    }
    assertThat(repository.get(Kind.SERVICE, "checkout")).isEmpty();
    assertThat(records.find("alice", "key-1")).isEmpty();
  }

  private static Change create(Service service) {
    return Change.put(service, new Precondition.Absent());
  }

  private KeyValue onlyRecordInEtcd() throws Exception {
    List<KeyValue> kvs = ETCD.client().getKVClient().get(bytes(PREFIX + "idempotency/"),
        GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
    assertThat(kvs).hasSize(1);
    return kvs.get(0);
  }

  private Client newClient() {
    return track(ETCD.newClient());
  }

  private Client track(Client client) {
    clients.add(client);
    return client;
  }
}
