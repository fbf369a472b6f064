package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.awaitCommit;
import static io.paymesh.config.store.EtcdCalls.bytes;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.paymesh.config.audit.Approval;
import io.paymesh.config.audit.AuditRecord;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.idempotency.IdempotencyRecord;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link PolicyRepository#commit}: validate everything, read the current versions, check the
 * preconditions against them, then one compare-and-write transaction. When the transaction's
 * compares fail, a document changed between read and write: the commit reads again, and either a
 * Revision/Absent precondition now fails (nothing written) or, for Any, it is tried again. Under an
 * idempotency key, a transaction that failed because the key was used ends the commit instead.
 */
final class Committer {
  /** Attempts before a commit under constant contention gives up; each attempt is two etcd calls. */
  static final int MAX_ATTEMPTS = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Committer.class);

  private final KV kv;
  private final KeyLayout keys;
  private final PolicyCodec codec;
  private final ChangeValidator validator;
  private final CurrentDocuments current;
  private final Duration timeout;
  private final Clock clock;
  private final IdempotencyRecords idempotency;

  Committer(KV kv, KeyLayout keys, PolicyCodec codec, Duration timeout, Clock clock,
      IdempotencyRecords idempotency) {
    this.kv = kv;
    this.keys = keys;
    this.codec = codec;
    this.validator = new ChangeValidator(codec);
    this.current = new CurrentDocuments(kv, keys, new StoredEntryDecoder(keys, codec), timeout);
    this.timeout = timeout;
    this.clock = clock;
    this.idempotency = idempotency;
  }

  CommitResult commit(List<Change> changes, Actor actor, boolean rollback,
      Optional<ProposalApproval> approval, Optional<IdempotencyClaim> claim)
      throws PolicyValidationException, PreconditionFailedException, DocumentNotFoundException,
          ProposalGoneException {
    if (changes.isEmpty()) {
      throw new IllegalArgumentException("nothing to write");
    }
    if (changes.size() > PolicyRepository.MAX_CHANGES_PER_COMMIT) {
      throw new IllegalArgumentException("at most " + PolicyRepository.MAX_CHANGES_PER_COMMIT
          + " changes fit in one commit, got " + changes.size());
    }
    Map<ResourceKey, String> documents = validator.canonicalDocuments(changes);
    List<ResourceKey> touched = changes.stream().map(Change::key).toList();
    Optional<IdempotencyRecords.Guard> guard = claim.map(idempotency::guard);
    // The record lives on the guard's lease: give it back unless a transaction may have used it.
    boolean mayHaveCommitted = false;
    try {
      for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        Map<ResourceKey, CurrentDocuments.Version> read = current.read(touched);
        checkPreconditions(changes, read, claim);
        Instant at = clock.instant();
        ChangeTransaction txn = new ChangeTransaction(keys);
        List<Planned> planned = new ArrayList<>();
        Optional<Approval> approvedBy = approval.map(ProposalApproval::approval);
        for (Change change : changes) {
          Planned plan = new Planned(change, read.get(change.key()), rollback);
          // The canonical JSON validated above: stored, and recorded as the audit's "after".
          Optional<String> json = change.after().map(after -> documents.get(change.key()));
          txn.add(change.key(), plan.before().modRevision(), json,
              plan.audit(actor, approvedBy, at, codec, json));
          planned.add(plan);
        }
        approval.ifPresent(txn::consume);
        guard.ifPresent(g -> txn.recordIdempotency(g, CommitSummary.outcomeJson(
            planned.stream().map(Planned::summary).toList())));
        mayHaveCommitted = true;
        TxnResponse response = awaitCommit(txn.commit(kv, at), timeout,
            "commit of " + changes.size() + " change(s)");
        if (response.isSucceeded()) {
          long revision = response.getHeader().getRevision();
          return new CommitResult(revision, planned.stream().map(p -> p.committed(revision)).toList());
        }
        mayHaveCommitted = false;
        Optional<IdempotencyRecord> used = guard.flatMap(
            g -> g.recordIn(response.getGetResponses().get(0)));
        if (used.isPresent()) {
          throw new IdempotencyKeyUsedException(used.get());
        }
        if (approval.isPresent() && !stillPending(approval.get())) {
          throw new ProposalGoneException(approval.get().proposalKey());
        }
        LOG.debug("Commit of {} lost a race (attempt {}); reading again", touched, attempt);
      }
    } finally {
      if (!mayHaveCommitted) {
        guard.ifPresent(IdempotencyRecords.Guard::release);
      }
    }
    throw new PolicyStoreException("gave up after " + MAX_ATTEMPTS
        + " attempts: documents " + touched + " kept changing concurrently");
  }

  private boolean stillPending(ProposalApproval approval) {
    GetResponse response = await(kv.get(bytes(approval.proposalKey())), timeout,
        "read " + approval.proposalKey());
    return response.getKvs().size() == 1
        && response.getKvs().get(0).getModRevision() == approval.proposalModRevision();
  }

  /**
   * Under a key already used, a failed precondition is most likely that earlier commit's own
   * change (a retried create finds its document): the key's record is then the answer.
   */
  private void checkPreconditions(List<Change> changes,
      Map<ResourceKey, CurrentDocuments.Version> read, Optional<IdempotencyClaim> claim)
      throws PreconditionFailedException, DocumentNotFoundException {
    try {
      checkPreconditions(changes, read);
    } catch (PreconditionFailedException | DocumentNotFoundException e) {
      Optional<IdempotencyRecord> used =
          claim.flatMap(c -> idempotency.find(c.caller(), c.key()));
      if (used.isPresent()) {
        throw new IdempotencyKeyUsedException(used.get());
      }
      throw e;
    }
  }

  private static void checkPreconditions(
      List<Change> changes, Map<ResourceKey, CurrentDocuments.Version> read)
      throws PreconditionFailedException, DocumentNotFoundException {
    for (Change change : changes) {
      CurrentDocuments.Version version = read.get(change.key());
      // A delete needs a document whatever its precondition: 404 says more than 412 would.
      if (change.isDelete() && !version.exists()) {
        throw new DocumentNotFoundException(change.key());
      }
      Precondition expected = change.precondition();
      boolean holds;
      if (expected instanceof Precondition.Any) {
        holds = true;
      } else if (expected instanceof Precondition.Absent) {
        holds = !version.exists();
      } else if (expected instanceof Precondition.Revision revision) {
        holds = version.modRevision() == revision.modRevision();
      } else {
        throw new AssertionError("unhandled precondition " + expected);
      }
      if (!holds) {
        throw new PreconditionFailedException(change.key(), expected, version.modRevision());
      }
    }
  }

  /** One change with the version it replaces, before the transaction gives it a revision. */
  private record Planned(Change change, CurrentDocuments.Version before, boolean rollback) {
    Operation operation() {
      if (rollback) {
        return Operation.ROLLBACK;
      }
      if (change.isDelete()) {
        return Operation.DELETE;
      }
      return before.exists() ? Operation.UPDATE : Operation.CREATE;
    }

    AuditRecord audit(Actor actor, Optional<Approval> approval, Instant at, PolicyCodec codec,
        Optional<String> afterJson) {
      return new AuditRecord(actor.name(), at, actor.reasonOpt(), change.key(), operation(),
          before.resource().map(codec::toJson), afterJson, approval);
    }

    CommitSummary.Entry summary() {
      return new CommitSummary.Entry(change.key(), operation());
    }

    CommittedChange committed(long revision) {
      return new CommittedChange(change.key(), operation(), revision, before.resource(),
          change.after());
    }
  }
}
