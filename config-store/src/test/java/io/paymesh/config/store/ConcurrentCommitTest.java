package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.service;
import static io.paymesh.config.store.TestDocuments.withDependency;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.model.Service;
import io.paymesh.config.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many operators editing one document at once, each with the ETag it read: every update must land
 * exactly once, and the audit log must chain (each entry's before is the previous entry's after).
 */
class ConcurrentCommitTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final int WRITERS = 50;
  /** A writer loses at most once per other writer's win, so WRITERS attempts always suffice. */
  private static final int MAX_ATTEMPTS = 2 * WRITERS;
  private static final ResourceKey CHECKOUT = new ResourceKey(Kind.SERVICE, "checkout");

  private final PolicyCodec codec = new PolicyCodec();
  private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
  private PolicyRepository repository;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec);
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void fiftyReadModifyWriteWriters_loseNoUpdate_andAuditEveryOne() throws Exception {
    long created = repository.commit(
        List.of(Change.put(service("checkout", List.of()), new Precondition.Absent())),
        new Actor("setup", null), false).revision();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> writers = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      writers.add(pool.submit(appendDependency(i, start)));
    }
    start.countDown();

    List<Integer> attempts = new ArrayList<>();
    for (Future<Integer> writer : writers) {
      attempts.add(writer.get(60, TimeUnit.SECONDS));
    }

    Service last = (Service) repository.get(Kind.SERVICE, "checkout").orElseThrow().resource();
    assertThat(last.spec().dependencies()).containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, WRITERS).mapToObj(ConcurrentCommitTest::dependency).toList());
    assertThat(attempts).allMatch(n -> n >= 1 && n <= WRITERS);

    List<AuditEntry> updates =
        new AuditLog(ETCD.client(), PREFIX).page(Optional.of(CHECKOUT), created, 500).entries();
    assertThat(updates).hasSize(WRITERS);
    assertThat(updates).extracting(AuditEntry::actor).containsExactlyInAnyOrderElementsOf(
        IntStream.range(0, WRITERS).mapToObj(i -> "writer-" + i).toList());
    assertThat(updates.get(0).beforeJson())
        .contains(codec.toJson(service("checkout", List.of())));
    for (int i = 1; i < updates.size(); i++) {
      assertThat(updates.get(i).revision()).isGreaterThan(updates.get(i - 1).revision());
      assertThat(updates.get(i).beforeJson()).isEqualTo(updates.get(i - 1).afterJson());
    }
    assertThat(updates.get(WRITERS - 1).afterJson()).contains(codec.toJson(last));
  }

  @Test
  void unconditionalWritersRacing_retryAndRecordExactBefore() throws Exception {
    // Each lost race needs a commit by another writer, so a writer loses at most
    // (RACERS - 1) * COMMITS_EACH = 6 times: always within the repository's 10 attempts.
    int racers = 3;
    int commitsEach = 3;
    long before = ETCD.currentRevision();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      int writer = i;
      writers.add(pool.submit(() -> {
        start.await();
        for (int n = 0; n < commitsEach; n++) {
          Service replacement = service("checkout", List.of("dep-" + writer + "-" + n));
          repository.commit(List.of(Change.put(replacement, new Precondition.Any())),
              new Actor("racer-" + writer, null), false);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> writer : writers) {
      writer.get(60, TimeUnit.SECONDS);
    }

    List<AuditEntry> entries =
        new AuditLog(ETCD.client(), PREFIX).page(Optional.of(CHECKOUT), before, 500).entries();
    assertThat(entries).hasSize(racers * commitsEach);
    assertThat(entries.get(0).beforeJson()).isEmpty();
    for (int i = 1; i < entries.size(); i++) {
      assertThat(entries.get(i).beforeJson()).isEqualTo(entries.get(i - 1).afterJson());
    }
  }

  /** Reads the document, appends its own dependency, commits with the ETag it read. */
  private Callable<Integer> appendDependency(int writer, CountDownLatch start) {
    return () -> {
      start.await();
      Actor actor = new Actor("writer-" + writer, "append " + dependency(writer));
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        StoredDocument current = repository.get(Kind.SERVICE, "checkout").orElseThrow();
        Service next = withDependency((Service) current.resource(), dependency(writer));
        try {
          repository.commit(
              List.of(Change.put(next, new Precondition.Revision(current.modRevision()))),
              actor, false);
          return attempt;
        } catch (PreconditionFailedException lostTheRace) {
          // someone else's update landed first: read it and apply ours on top
        }
      }
      throw new AssertionError(actor.name() + " did not get through in " + MAX_ATTEMPTS);
    };
  }

  private static String dependency(int writer) {
    return "dep-" + writer;
  }
}
