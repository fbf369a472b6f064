package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.exists;
import static io.paymesh.config.store.TestDocuments.service;
import static io.paymesh.config.store.TestDocuments.serviceKey;
import static io.paymesh.config.store.TestDocuments.withDependency;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.model.Service;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.validation.PolicyValidationException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PolicyCommitTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Instant NOW = Instant.parse("2026-11-23T03:00:00Z");
  private static final ResourceKey CHECKOUT = new ResourceKey(Kind.SERVICE, "checkout");
  private static final ResourceKey PAYMENTS = new ResourceKey(Kind.SERVICE, "payments");
  private static final Actor ALICE = new Actor("alice", "initial rollout");
  private static final Actor BOB = new Actor("bob", null);

  private final PolicyCodec codec = new PolicyCodec();
  private final InterferingClock clock = new InterferingClock(NOW);
  private PolicyRepository repository;
  private AuditLog audit;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec,
        PolicyRepository.DEFAULT_TIMEOUT, clock);
    audit = new AuditLog(ETCD.client(), PREFIX);
  }

  @Test
  void commit_createUpdateDelete_recordsEachChangeWithBeforeAfterActorReasonAndRevision()
      throws Exception {
    Service v1 = service("checkout", List.of());
    Service v2 = withDependency(v1, "payments");

    CommitResult created = commit(ALICE, Change.put(v1, new Precondition.Absent()));
    long rev1 = created.revision();
    CommitResult updated = commit(BOB, Change.put(v2, new Precondition.Revision(rev1)));
    long rev2 = updated.revision();
    CommitResult deleted = commit(ALICE, Change.delete(CHECKOUT, new Precondition.Revision(rev2)));
    long rev3 = deleted.revision();

    assertThat(created.changes()).containsExactly(new CommittedChange(
        CHECKOUT, Operation.CREATE, rev1, Optional.empty(), Optional.of(v1)));
    assertThat(updated.changes()).containsExactly(new CommittedChange(
        CHECKOUT, Operation.UPDATE, rev2, Optional.of(v1), Optional.of(v2)));
    assertThat(deleted.changes()).containsExactly(new CommittedChange(
        CHECKOUT, Operation.DELETE, rev3, Optional.of(v2), Optional.empty()));
    assertThat(rev1).isLessThan(rev2);
    assertThat(rev2).isLessThan(rev3);
    assertThat(repository.get(Kind.SERVICE, "checkout")).isEmpty();

    assertThat(audit.page(Optional.of(CHECKOUT), 0, 10).entries()).containsExactly(
        new AuditEntry(rev1, NOW, "alice", Optional.of("initial rollout"), CHECKOUT,
            Operation.CREATE, Optional.empty(), Optional.of(codec.toJson(v1))),
        new AuditEntry(rev2, NOW, "bob", Optional.empty(), CHECKOUT, Operation.UPDATE,
            Optional.of(codec.toJson(v1)), Optional.of(codec.toJson(v2))),
        new AuditEntry(rev3, NOW, "alice", Optional.of("initial rollout"), CHECKOUT,
            Operation.DELETE, Optional.of(codec.toJson(v2)), Optional.empty()));
  }

  @Test
  void commit_auditRevisionIsTheDocumentsNewModRevision() throws Exception {
    long revision =
        commit(ALICE, Change.put(service("checkout", List.of()), new Precondition.Any())).revision();

    assertThat(repository.get(Kind.SERVICE, "checkout"))
        .map(StoredDocument::modRevision)
        .contains(revision);
    assertThat(audit.at(CHECKOUT, revision)).map(AuditEntry::revision).contains(revision);
  }

  @Test
  void commit_whenRevisionDoesNotMatch_throwsAndWritesNothing() throws Exception {
    Service v1 = service("checkout", List.of());
    long rev1 = commit(ALICE, Change.put(v1, new Precondition.Absent())).revision();
    Service v2 = withDependency(v1, "payments");
    long rev2 = commit(BOB, Change.put(v2, new Precondition.Revision(rev1))).revision();
    long before = ETCD.currentRevision();

    PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
        () -> commit(BOB, Change.put(withDependency(v1, "ledger"), new Precondition.Revision(rev1))));

    assertThat(e.key()).isEqualTo(CHECKOUT);
    assertThat(e.expected()).isEqualTo(new Precondition.Revision(rev1));
    assertThat(e.actualModRevision()).isEqualTo(rev2);
    assertThat(e).hasMessage(
        "Service/checkout: expected revision " + rev1 + ", but it is at revision " + rev2);
    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(repository.get(Kind.SERVICE, "checkout"))
        .contains(new StoredDocument(serviceKey("checkout"), v2, rev2));
    assertThat(audit.page(Optional.empty(), 0, 10).entries()).hasSize(2);
  }

  @Test
  void commit_whenAnotherWriterLandsBetweenReadAndWrite_revisionPreconditionFails()
      throws Exception {
    Service v1 = service("checkout", List.of());
    long rev1 = commit(ALICE, Change.put(v1, new Precondition.Absent())).revision();
    Service concurrent = withDependency(v1, "ledger");
    clock.interfereOnce(() -> TestDocuments.put(
        ETCD.client(), serviceKey("checkout"), codec.toJson(concurrent)));

    PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
        () -> commit(BOB, Change.put(withDependency(v1, "payments"),
            new Precondition.Revision(rev1))));

    long concurrentRevision = ETCD.currentRevision();
    assertThat(e.actualModRevision()).isEqualTo(concurrentRevision);
    assertThat(repository.get(Kind.SERVICE, "checkout")).map(StoredDocument::resource)
        .contains(concurrent);
    assertThat(audit.page(Optional.of(CHECKOUT), rev1, 10).entries()).isEmpty();
  }

  @Test
  void commit_whenAnotherWriterLandsBetweenReadAndWrite_anyPreconditionRetriesOnFreshBefore()
      throws Exception {
    Service v1 = service("checkout", List.of());
    commit(ALICE, Change.put(v1, new Precondition.Absent()));
    Service concurrent = withDependency(v1, "ledger");
    clock.interfereOnce(() -> TestDocuments.put(
        ETCD.client(), serviceKey("checkout"), codec.toJson(concurrent)));
    Service mine = withDependency(v1, "payments");

    CommitResult result = commit(BOB, Change.put(mine, new Precondition.Any()));

    assertThat(result.changes()).extracting(CommittedChange::before)
        .containsExactly(Optional.of(concurrent));
    assertThat(audit.at(CHECKOUT, result.revision())).map(AuditEntry::beforeJson)
        .contains(Optional.of(codec.toJson(concurrent)));
    assertThat(repository.get(Kind.SERVICE, "checkout")).map(StoredDocument::resource)
        .contains(mine);
  }

  @Test
  void commit_whenRevisionGivenForAbsentDocument_throwsWithActualZero() throws Exception {
    PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
        () -> commit(BOB, Change.put(service("checkout", List.of()), new Precondition.Revision(7))));

    assertThat(e.actualModRevision()).isZero();
    assertThat(e).hasMessage("Service/checkout: expected revision 7, but it does not exist");
    assertThat(exists(ETCD.client(), serviceKey("checkout"))).isFalse();
  }

  @Test
  void commit_whenAbsentExpectedButDocumentExists_throwsAndWritesNothing() throws Exception {
    Service v1 = service("checkout", List.of());
    long rev1 = commit(ALICE, Change.put(v1, new Precondition.Absent())).revision();

    PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
        () -> commit(BOB, Change.put(withDependency(v1, "ledger"), new Precondition.Absent())));

    assertThat(e.expected()).isEqualTo(new Precondition.Absent());
    assertThat(e.actualModRevision()).isEqualTo(rev1);
    assertThat(e).hasMessage(
        "Service/checkout: expected no document, but it is at revision " + rev1);
    assertThat(ETCD.currentRevision()).isEqualTo(rev1);
    assertThat(repository.get(Kind.SERVICE, "checkout")).map(StoredDocument::resource).contains(v1);
  }

  @Test
  void commit_deleteOfAbsentDocument_throwsDocumentNotFound() throws Exception {
    long before = ETCD.currentRevision();

    DocumentNotFoundException e = catchThrowableOfType(DocumentNotFoundException.class,
        () -> commit(ALICE, Change.delete(CHECKOUT, new Precondition.Any())));

    assertThat(e.key()).isEqualTo(CHECKOUT);
    assertThat(e).hasMessage("Service/checkout: no such document");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(audit.page(Optional.empty(), 0, 10).entries()).isEmpty();
  }

  @Test
  void commit_bundleWithInvalidDocuments_reportsEveryPrefixedPathAndWritesNothing()
      throws Exception {
    Service badPort = new Service("broken", new Service.Spec(
        List.of(new Service.Port("grpc", 0, 9090, Service.Protocol.GRPC)),
        "spiffe://paymesh.local/ns/payments/sa/broken", PciScope.NONE, List.of(),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
    Service badIdentity = new Service("ledger", new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)),
        "ledger", PciScope.NONE, List.of(), LoadBalancing.ROUND_ROBIN, Optional.empty(),
        Optional.empty()));
    long before = ETCD.currentRevision();

    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> repository.commit(List.of(
            Change.put(service("checkout", List.of()), new Precondition.Absent()),
            Change.put(badPort, new Precondition.Any()),
            Change.put(badIdentity, new Precondition.Any())), ALICE, false));

    assertThat(e.errors()).extracting(Object::toString).containsExactly(
        "Service/broken.ports[grpc].port: must be between 1 and 65535",
        "Service/ledger.identity: must be a SPIFFE ID like spiffe://<trust-domain>/<path>");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
    assertThat(exists(ETCD.client(), serviceKey("checkout"))).isFalse();
  }

  @Test
  void commit_bundleWhereOnePreconditionFails_writesNothing() throws Exception {
    long paymentsRevision =
        commit(ALICE, Change.put(service("payments", List.of()), new Precondition.Absent()))
            .revision();

    PreconditionFailedException e = catchThrowableOfType(PreconditionFailedException.class,
        () -> repository.commit(List.of(
            Change.put(service("checkout", List.of("payments")), new Precondition.Absent()),
            Change.put(service("payments", List.of("ledger")),
                new Precondition.Revision(paymentsRevision + 100))), ALICE, false));

    assertThat(e.key()).isEqualTo(PAYMENTS);
    assertThat(ETCD.currentRevision()).isEqualTo(paymentsRevision);
    assertThat(exists(ETCD.client(), serviceKey("checkout"))).isFalse();
    assertThat(repository.get(Kind.SERVICE, "payments"))
        .map(StoredDocument::resource)
        .contains(service("payments", List.of()));
  }

  @Test
  void commit_bundle_appliesEveryChangeAtOneRevisionWithOneAuditEntryEach() throws Exception {
    commit(ALICE, Change.put(service("payments", List.of()), new Precondition.Absent()));

    CommitResult result = repository.commit(List.of(
        Change.put(service("checkout", List.of("payments")), new Precondition.Absent()),
        Change.delete(PAYMENTS, new Precondition.Any())), BOB, false);

    assertThat(result.changes()).extracting(CommittedChange::revision)
        .containsOnly(result.revision());
    assertThat(result.changes()).extracting(CommittedChange::operation)
        .containsExactly(Operation.CREATE, Operation.DELETE);
    assertThat(audit.page(Optional.empty(), result.revision() - 1, 10).entries())
        .extracting(AuditEntry::key, AuditEntry::revision)
        .containsExactlyInAnyOrder(
            tuple(CHECKOUT, result.revision()),
            tuple(PAYMENTS, result.revision()));
  }

  @Test
  void commit_unchangedDocument_isStillWrittenAndAudited() throws Exception {
    Service v1 = service("checkout", List.of());
    long rev1 = commit(ALICE, Change.put(v1, new Precondition.Absent())).revision();

    CommitResult again = commit(new Actor("carol", "re-applied after incident"),
        Change.put(v1, new Precondition.Revision(rev1)));

    assertThat(again.revision()).isGreaterThan(rev1);
    assertThat(audit.at(CHECKOUT, again.revision())).hasValueSatisfying(entry -> {
      assertThat(entry.operation()).isEqualTo(Operation.UPDATE);
      assertThat(entry.reason()).contains("re-applied after incident");
      assertThat(entry.beforeJson()).isEqualTo(entry.afterJson());
    });
  }

  @Test
  void commit_asRollback_recordsRollbackOperation() throws Exception {
    Service v1 = service("checkout", List.of());
    long rev1 = commit(ALICE, Change.put(v1, new Precondition.Absent())).revision();
    long rev2 = commit(ALICE, Change.put(withDependency(v1, "payments"),
        new Precondition.Revision(rev1))).revision();

    CommitResult rolledBack = repository.commit(
        List.of(Change.put(v1, new Precondition.Revision(rev2))), BOB, true);

    assertThat(rolledBack.changes()).extracting(CommittedChange::operation)
        .containsExactly(Operation.ROLLBACK);
    assertThat(audit.at(CHECKOUT, rolledBack.revision())).map(AuditEntry::operation)
        .contains(Operation.ROLLBACK);
    assertThat(repository.get(Kind.SERVICE, "checkout")).map(StoredDocument::resource)
        .contains(v1);
  }

  @Test
  void commit_moreChangesThanFitInOneCommit_isRefused() {
    List<Change> changes = IntStream.range(0, PolicyRepository.MAX_CHANGES_PER_COMMIT + 1)
        .mapToObj(i -> Change.put(service("svc-" + i, List.of()), new Precondition.Any()))
        .toList();

    assertThatThrownBy(() -> repository.commit(changes, ALICE, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at most 40 changes fit in one commit, got 41");
  }

  @Test
  void change_rejectsDocumentUnderAnotherKeyAndDeleteOnConditionAbsent() {
    PolicyResource checkout = service("checkout", List.of());

    assertThatThrownBy(() -> new Change(PAYMENTS, Optional.of(checkout), new Precondition.Any()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("change of Service/payments carries Service/checkout");
    assertThatThrownBy(() -> Change.delete(CHECKOUT, new Precondition.Absent()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot delete Service/checkout on condition it is absent");
  }

  @Test
  void legacyPutAndDelete_areAuditedAsSystem() throws Exception {
    long revision = repository.put(service("checkout", List.of()));
    repository.delete(Kind.SERVICE, "checkout");

    assertThat(audit.page(Optional.of(CHECKOUT), 0, 10).entries())
        .extracting(AuditEntry::actor, AuditEntry::operation)
        .containsExactly(
            tuple("system", Operation.CREATE),
            tuple("system", Operation.DELETE));
    assertThat(audit.at(CHECKOUT, revision)).isPresent();
  }

  private CommitResult commit(Actor actor, Change change) throws Exception {
    return repository.commit(List.of(change), actor, false);
  }
}
