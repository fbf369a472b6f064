package io.paymesh.config.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.Operation;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.Precondition;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditLogTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final String PREFIX = EtcdSettings.DEFAULT_PREFIX;
  private static final Actor OPS = new Actor("ops", null);
  private static final ResourceKey A = key("alpha");
  private static final ResourceKey B = key("beta");
  private static final ResourceKey C = key("gamma");

  private final PolicyCodec codec = new PolicyCodec();
  private PolicyRepository repository;
  private AuditLog audit;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec);
    audit = new AuditLog(ETCD.client(), PREFIX);
  }

  /** r1: create alpha; r2: create beta; r3: one commit updating alpha and beta, creating gamma. */
  private long[] threeCommits() throws Exception {
    long r1 = commit(List.of(Change.put(service("alpha", 1), new Precondition.Absent())));
    long r2 = commit(List.of(Change.put(service("beta", 1), new Precondition.Absent())));
    long r3 = commit(List.of(
        Change.put(service("alpha", 2), new Precondition.Revision(r1)),
        Change.put(service("beta", 2), new Precondition.Revision(r2)),
        Change.put(service("gamma", 1), new Precondition.Absent())));
    return new long[] {r1, r2, r3};
  }

  @Test
  void page_returnsEntriesInRevisionOrder_withTheNextCursor() throws Exception {
    long[] r = threeCommits();

    AuditPage first = audit.page(Optional.empty(), 0, 2);
    AuditPage rest = audit.page(Optional.empty(), first.nextAfterRevision().orElseThrow(), 10);

    assertThat(first.entries()).extracting(AuditEntry::revision, AuditEntry::key)
        .containsExactly(tuple(r[0], A), tuple(r[1], B));
    assertThat(first.nextAfterRevision()).contains(r[1]);
    assertThat(rest.entries()).extracting(AuditEntry::revision, AuditEntry::key)
        .containsExactly(tuple(r[2], A), tuple(r[2], B), tuple(r[2], C));
    assertThat(rest.nextAfterRevision()).isEmpty();
  }

  @Test
  void page_neverSplitsOneCommitsEntries() throws Exception {
    long[] r = threeCommits();

    AuditPage upToLimit = audit.page(Optional.empty(), 0, 4);
    AuditPage wholeCommitOverLimit = audit.page(Optional.empty(), r[1], 1);

    assertThat(upToLimit.entries()).extracting(AuditEntry::revision).containsExactly(r[0], r[1]);
    assertThat(upToLimit.nextAfterRevision()).contains(r[1]);
    assertThat(wholeCommitOverLimit.entries()).extracting(AuditEntry::key)
        .containsExactly(A, B, C);
    assertThat(wholeCommitOverLimit.nextAfterRevision()).isEmpty();
  }

  @Test
  void page_filteredByDocument_pagesOnlyItsEntries() throws Exception {
    long[] r = threeCommits();

    AuditPage first = audit.page(Optional.of(A), 0, 1);
    AuditPage second = audit.page(Optional.of(A), first.nextAfterRevision().orElseThrow(), 1);
    AuditPage gamma = audit.page(Optional.of(C), 0, 10);

    assertThat(first.entries()).extracting(AuditEntry::revision, AuditEntry::operation)
        .containsExactly(tuple(r[0], Operation.CREATE));
    assertThat(first.nextAfterRevision()).contains(r[0]);
    assertThat(second.entries()).extracting(AuditEntry::revision, AuditEntry::operation)
        .containsExactly(tuple(r[2], Operation.UPDATE));
    assertThat(second.nextAfterRevision()).isEmpty();
    assertThat(gamma.entries()).extracting(AuditEntry::revision).containsExactly(r[2]);
  }

  @Test
  void page_afterTheLastRevision_isEmpty() throws Exception {
    long[] r = threeCommits();

    AuditPage page = audit.page(Optional.empty(), r[2], 10);

    assertThat(page.entries()).isEmpty();
    assertThat(page.nextAfterRevision()).isEmpty();
  }

  @Test
  void page_afterTheLargestPossibleRevision_isEmpty_notTheWholeLog() throws Exception {
    threeCommits();

    // after + 1 would wrap to Long.MIN_VALUE, which etcd reads as no lower bound.
    AuditPage page = audit.page(Optional.empty(), Long.MAX_VALUE, 10);

    assertThat(page.entries()).isEmpty();
    assertThat(page.nextAfterRevision()).isEmpty();
  }

  @Test
  void page_acrossManyEtcdBatches_keepsEveryEntryInOrderAndCommitsWhole() throws Exception {
    // 5 commits of 30 changes = 150 records: etcd batches of 100 end inside the 4th commit.
    int commits = 5;
    int perCommit = 30;
    List<Long> revisions = new ArrayList<>();
    for (int c = 0; c < commits; c++) {
      int version = c + 1;
      revisions.add(commit(IntStream.range(0, perCommit)
          .mapToObj(i -> Change.put(service("svc-" + i, version), new Precondition.Any()))
          .toList()));
    }

    List<AuditEntry> all = audit.page(Optional.empty(), 0, 500).entries();
    List<AuditPage> pages = new ArrayList<>();
    long after = 0;
    for (int i = 0; i < commits + 1; i++) {
      AuditPage page = audit.page(Optional.empty(), after, perCommit + 5);
      pages.add(page);
      if (page.nextAfterRevision().isEmpty()) {
        break;
      }
      after = page.nextAfterRevision().get();
    }

    assertThat(all).hasSize(commits * perCommit);
    assertThat(all).extracting(AuditEntry::revision).isSorted();
    assertThat(all.stream().map(AuditEntry::revision).distinct().toList())
        .containsExactlyElementsOf(revisions);
    assertThat(pages).hasSize(commits);
    assertThat(pages).allSatisfy(page -> {
      assertThat(page.entries()).hasSize(perCommit);
      assertThat(page.entries()).extracting(AuditEntry::revision).containsOnly(
          page.entries().get(0).revision());
    });
    assertThat(pages.get(commits - 1).nextAfterRevision()).isEmpty();
  }

  @Test
  void at_returnsTheEntryOfThatDocumentAtThatRevision() throws Exception {
    long[] r = threeCommits();

    Optional<AuditEntry> betaUpdate = audit.at(B, r[2]);

    assertThat(betaUpdate).hasValueSatisfying(entry -> {
      assertThat(entry.revision()).isEqualTo(r[2]);
      assertThat(entry.operation()).isEqualTo(Operation.UPDATE);
      assertThat(entry.beforeJson()).contains(codec.toJson(service("beta", 1)));
      assertThat(entry.afterJson()).contains(codec.toJson(service("beta", 2)));
    });
    assertThat(audit.at(C, r[0])).isEmpty();
    assertThat(audit.at(A, r[1])).isEmpty();
    assertThat(audit.at(A, 0)).isEmpty();
  }

  @Test
  void recordsWrittenAroundTheRepository_areSkipped() throws Exception {
    long[] r = threeCommits();
    ETCD.client().getKVClient()
        .put(bytes(new KeyLayout(PREFIX).auditKey("hand-written")), bytes("{\"who\":\"me\"}"))
        .get(10, TimeUnit.SECONDS);

    AuditPage page = audit.page(Optional.empty(), 0, 10);

    assertThat(page.entries()).extracting(AuditEntry::revision)
        .containsExactly(r[0], r[1], r[2], r[2], r[2]);
  }

  @Test
  void page_withBadLimitOrCursor_isRefused() {
    assertThatThrownBy(() -> audit.page(Optional.empty(), 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be at least 1: 0");
    assertThatThrownBy(() -> audit.page(Optional.empty(), -1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("afterRevision must not be negative: -1");
  }

  private long commit(List<Change> changes) throws Exception {
    return repository.commit(changes, OPS, false).revision();
  }

  /** A valid Service whose version shows in its target port. */
  private static Service service(String name, int version) {
    return new Service(name, new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9000 + version, Service.Protocol.GRPC)),
        "spiffe://paymesh.local/ns/payments/sa/" + name, PciScope.NONE, List.of(),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
  }

  private static ResourceKey key(String name) {
    return new ResourceKey(Kind.SERVICE, name);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }
}
