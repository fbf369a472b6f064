package io.paymesh.config.identity;

import static io.paymesh.config.identity.IdentityEtcd.PREFIX;
import static io.paymesh.config.identity.IdentityEtcd.bytes;
import static io.paymesh.config.identity.IdentityEtcd.everything;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.LeaseOption;
import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.identity.JoinTokenConsumption.Outcome;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.DocumentNotFoundException;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.Operation;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JoinTokensTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
  private static final KeyLayout KEYS = new KeyLayout(PREFIX);
  private static final ResourceKey CHECKOUT = new ResourceKey(Kind.SERVICE, "checkout");
  private static final Actor ALICE = new Actor("alice", "CHG-7 enrol checkout");
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static Client replicaA;
  private static Client replicaB;
  private final MutableClock clock = new MutableClock(NOW);
  private JoinTokens tokens;

  @BeforeAll
  static void clients() {
    replicaA = ETCD.newClient();
    replicaB = ETCD.newClient();
  }

  @AfterAll
  static void closeClients() {
    replicaA.close();
    replicaB.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    IdentityEtcd.writeServices(ETCD.client(), "checkout", "payments");
    tokens = new JoinTokens(ETCD.client(), PREFIX, TIMEOUT, clock);
  }

  @Test
  void create_underAUsedKey_issuesNoSecondToken_andNamesTheFirstIssue() throws Exception {
    IdempotencyClaim claim = new IdempotencyClaim("alice", "enrol-1", "fp", "POST /v1/identities");
    IssuedJoinToken first = tokens.create("checkout", Duration.ofMinutes(10), ALICE,
        Optional.empty(), Optional.of(claim));
    Map<String, String> before = everything(ETCD.client());

    IdempotencyKeyUsedException used = catchThrowableOfType(IdempotencyKeyUsedException.class,
        () -> tokens.create("checkout", Duration.ofMinutes(10), ALICE, Optional.empty(),
            Optional.of(claim)));

    JoinTokenIssue issue = JoinTokenIssue.of(used.record());
    assertThat(issue).isEqualTo(new JoinTokenIssue("checkout", first.expiresAt(),
        first.token().fingerprint(), first.revision()));
    assertThat(used.record().outcome()).doesNotContain(first.token().reveal());
    assertThat(everything(ETCD.client())).isEqualTo(before);
  }

  @Test
  void create_storesOnlyTheHash_withServiceExpiryAndCreator_onALeaseOfTheTtl() throws Exception {
    IssuedJoinToken issued = tokens.create("checkout", Duration.ofMinutes(10), ALICE,
        Optional.empty());

    assertThat(issued.service()).isEqualTo("checkout");
    assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
    KeyValue stored = ETCD.client().getKVClient()
        .get(bytes(KEYS.joinTokenKey(issued.token().sha256Hex()))).get(10, TimeUnit.SECONDS)
        .getKvs().get(0);
    assertThat(stored.getValue().toString()).isEqualTo(
        "{\"service\":\"checkout\",\"expiresAt\":\"2026-12-01T09:10:00Z\",\"createdBy\":\"alice\"}");
    assertThat(stored.getModRevision()).isEqualTo(issued.revision());
    assertThat(stored.getLease()).isNotZero();
    var lease = ETCD.client().getLeaseClient()
        .timeToLive(stored.getLease(), LeaseOption.builder().withAttachedKeys().build())
        .get(10, TimeUnit.SECONDS);
    assertThat(lease.getGrantedTTL()).isEqualTo(600);
    assertThat(lease.getKeys()).extracting(Object::toString)
        .containsExactly(KEYS.joinTokenKey(issued.token().sha256Hex()));
  }

  @Test
  void create_writesAnAuditRecordInTheSameTransaction_withoutTheToken() throws Exception {
    IssuedJoinToken issued = tokens.create("checkout", Duration.ofMinutes(5), ALICE,
        Optional.of("INC-9 re-enrol"));
    IssuedJoinToken second = tokens.create("checkout", ALICE, Optional.empty());

    List<AuditEntry> entries =
        new AuditLog(ETCD.client(), PREFIX).page(Optional.of(CHECKOUT), 0, 50).entries().stream()
            .filter(e -> e.operation() == Operation.ISSUE_JOIN_TOKEN).toList();

    assertThat(entries).containsExactly(
        new AuditEntry(issued.revision(), NOW, "alice", Optional.of("INC-9 re-enrol"), CHECKOUT,
            Operation.ISSUE_JOIN_TOKEN, Optional.empty(), Optional.empty()),
        new AuditEntry(second.revision(), NOW, "alice", Optional.of("CHG-7 enrol checkout"),
            CHECKOUT, Operation.ISSUE_JOIN_TOKEN, Optional.empty(), Optional.empty()));
    assertThat(second.expiresAt()).isEqualTo(NOW.plus(JoinTokens.DEFAULT_TTL));
    assertThat(everything(ETCD.client()).toString())
        .doesNotContain(issued.token().reveal())
        .doesNotContain(second.token().reveal());
  }

  @Test
  void create_forAServiceNotInThePolicy_isRefused_andStoresNothing() throws Exception {
    long before = ETCD.currentRevision();

    assertThatThrownBy(() -> tokens.create("fraud", ALICE, Optional.empty()))
        .isInstanceOf(DocumentNotFoundException.class)
        .hasMessage("Service/fraud: no such document");

    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void create_ttlOutsideOneMinuteTo24Hours_isRefused() throws Exception {
    assertThatThrownBy(() -> tokens.create("checkout", Duration.ofSeconds(59), ALICE,
        Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("join token ttl: must be between 1m and 24h, got 59s");
    assertThatThrownBy(() -> tokens.create("checkout", Duration.ofHours(24).plusSeconds(1), ALICE,
        Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("join token ttl: must be between 1m and 24h, got 86401s");
    assertThatThrownBy(() -> tokens.create("a/b", ALICE, Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service: must be a Service name, got 'a/b'");

    assertThat(tokens.create("checkout", JoinTokens.MIN_TTL, ALICE, Optional.empty())
        .expiresAt()).isEqualTo(NOW.plusSeconds(60));
    assertThat(tokens.create("checkout", JoinTokens.MAX_TTL, ALICE, Optional.empty())
        .expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(1)));
  }

  @Test
  void consume_succeedsOnce_thenTheTokenIsUnknown() throws Exception {
    IssuedJoinToken issued = tokens.create("checkout", ALICE, Optional.empty());
    JoinToken presented = JoinToken.parse(issued.token().reveal());

    JoinTokenConsumption first = tokens.consume(presented, "checkout");
    JoinTokenConsumption again = tokens.consume(presented, "checkout");

    assertThat(first.consumed()).isTrue();
    assertThat(first.stored()).contains(
        new StoredJoinToken("checkout", NOW.plus(JoinTokens.DEFAULT_TTL), "alice"));
    assertThat(again.outcome()).isEqualTo(Outcome.UNKNOWN_OR_USED);
    assertThat(again.stored()).isEmpty();
    assertThat(everything(ETCD.client())).doesNotContainKey(
        KEYS.joinTokenKey(issued.token().sha256Hex()));
  }

  @Test
  void consume_ofATokenNeverIssued_isUnknown_andWritesNothing() throws Exception {
    long before = ETCD.currentRevision();

    JoinTokenConsumption result = tokens.consume(JoinToken.generate(), "checkout");

    assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN_OR_USED);
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void consume_afterExpiresAt_isRefused_andRemovesTheToken() throws Exception {
    IssuedJoinToken issued = tokens.create("checkout", Duration.ofMinutes(2), ALICE,
        Optional.empty());
    clock.advance(Duration.ofMinutes(2));

    JoinTokenConsumption expired = tokens.consume(issued.token(), "checkout");

    assertThat(expired.outcome()).isEqualTo(Outcome.EXPIRED);
    assertThat(expired.stored()).map(StoredJoinToken::expiresAt)
        .contains(NOW.plus(Duration.ofMinutes(2)));
    assertThat(tokens.consume(issued.token(), "checkout").outcome())
        .isEqualTo(Outcome.UNKNOWN_OR_USED);
  }

  @Test
  void consume_justBeforeExpiresAt_succeeds() throws Exception {
    IssuedJoinToken issued = tokens.create("checkout", Duration.ofMinutes(2), ALICE,
        Optional.empty());
    clock.advance(Duration.ofMinutes(2).minusMillis(1));

    assertThat(tokens.consume(issued.token(), "checkout").consumed()).isTrue();
  }

  @Test
  void theLease_removesAnUnusedTokenAfterItsTtl() throws Exception {
    JoinTokens shortLived = new JoinTokens(ETCD.client(), PREFIX, TIMEOUT, clock,
        Duration.ofSeconds(1));
    IssuedJoinToken issued = shortLived.create("checkout", Duration.ofSeconds(2), ALICE,
        Optional.empty());
    String key = KEYS.joinTokenKey(issued.token().sha256Hex());
    assertThat(everything(ETCD.client())).containsKey(key);

    // The test clock stands still: only etcd's lease can remove the key.
    await().atMost(Duration.ofSeconds(20)).until(() -> !everything(ETCD.client()).containsKey(key));

    assertThat(shortLived.consume(issued.token(), "checkout").outcome())
        .isEqualTo(Outcome.UNKNOWN_OR_USED);
  }

  @Test
  void consume_forAnotherService_isRefused_andBurnsTheToken() throws Exception {
    IssuedJoinToken issued = tokens.create("payments", ALICE, Optional.empty());

    JoinTokenConsumption wrong = tokens.consume(issued.token(), "checkout");

    assertThat(wrong.outcome()).isEqualTo(Outcome.OTHER_SERVICE);
    assertThat(wrong.stored()).map(StoredJoinToken::service).contains("payments");
    // Presented to the wrong service it is used up, so it cannot be probed service by service.
    assertThat(tokens.consume(issued.token(), "payments").outcome())
        .isEqualTo(Outcome.UNKNOWN_OR_USED);
  }

  @Test
  void consume_ofAValueNotWrittenByPaymesh_isRefused_andRemoved() throws Exception {
    JoinToken token = JoinToken.generate();
    String key = KEYS.joinTokenKey(token.sha256Hex());
    ETCD.client().getKVClient().put(bytes(key), bytes("{\"service\":\"checkout\"}"))
        .get(10, TimeUnit.SECONDS);

    assertThat(tokens.consume(token, "checkout").outcome()).isEqualTo(Outcome.UNKNOWN_OR_USED);
    assertThat(everything(ETCD.client())).doesNotContainKey(key);
  }

  @Test
  void twoReplicasRacingOnEachToken_exactlyOneConsumesIt() throws Exception {
    JoinTokens a = new JoinTokens(replicaA, PREFIX, TIMEOUT, clock);
    JoinTokens b = new JoinTokens(replicaB, PREFIX, TIMEOUT, clock);
    int rounds = 100;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        JoinToken token = tokens.create("checkout", ALICE, Optional.empty()).token();
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Outcome> byA = pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return a.consume(JoinToken.parse(token.reveal()), "checkout").outcome();
        });
        Future<Outcome> byB = pool.submit(() -> {
          start.await(10, TimeUnit.SECONDS);
          return b.consume(JoinToken.parse(token.reveal()), "checkout").outcome();
        });
        List<Outcome> outcomes = List.of(byA.get(30, TimeUnit.SECONDS),
            byB.get(30, TimeUnit.SECONDS));

        assertThat(outcomes).as("round %d", round)
            .containsExactlyInAnyOrder(Outcome.CONSUMED, Outcome.UNKNOWN_OR_USED);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(everything(ETCD.client()).keySet())
        .noneMatch(k -> k.startsWith(KEYS.joinTokensPrefix()));
  }

  @Test
  void etcd_holdsHashesOnly_neverTheTokenText() throws Exception {
    List<IssuedJoinToken> issued = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      issued.add(tokens.create(i % 2 == 0 ? "checkout" : "payments", ALICE, Optional.empty()));
    }
    tokens.consume(issued.get(0).token(), "checkout");
    tokens.consume(issued.get(1).token(), "checkout");

    Map<String, String> store = everything(ETCD.client());

    for (IssuedJoinToken token : issued) {
      String text = token.token().reveal();
      assertThat(store).allSatisfy((key, value) -> {
        assertThat(key).doesNotContain(text);
        assertThat(value).doesNotContain(text);
      });
    }
    assertThat(store.keySet().stream().filter(k -> k.startsWith(KEYS.joinTokensPrefix())))
        .hasSize(4)
        .allMatch(k -> k.substring(KEYS.joinTokensPrefix().length()).matches("[0-9a-f]{64}"))
        .containsExactlyInAnyOrder(issued.subList(2, 6).stream()
            .map(t -> KEYS.joinTokenKey(t.token().sha256Hex())).toArray(String[]::new));
  }
}
