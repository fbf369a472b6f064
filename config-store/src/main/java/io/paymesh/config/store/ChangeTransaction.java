package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.bytes;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.audit.AuditIds;
import io.paymesh.config.audit.AuditRecord;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.model.ResourceKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Third step of a commit: the single etcd transaction. It applies only if every touched document
 * is still at the mod revision the commit read (0 = still absent), and then writes the documents
 * and one audit record per change together, so a change is never visible without its audit entry.
 * Under an idempotency key it also requires the key to be unused and stores its record.
 */
final class ChangeTransaction {
  private final KeyLayout keys;
  private final List<Cmp> compares = new ArrayList<>();
  private final List<Op> writes = new ArrayList<>();
  private final List<AuditRecord> records = new ArrayList<>();
  private Optional<IdempotencyRecords.Guard> idempotency = Optional.empty();
  private String outcome;

  ChangeTransaction(KeyLayout keys) {
    this.keys = keys;
  }

  /**
   * Adds one change.
   *
   * @param readRevision the mod revision the commit read for {@code key}, 0 if absent
   * @param json the canonical document to store; empty to delete
   */
  void add(ResourceKey key, long readRevision, Optional<String> json, AuditRecord record) {
    var etcdKey = bytes(keys.policyKey(key));
    compares.add(new Cmp(etcdKey, Cmp.Op.EQUAL, CmpTarget.modRevision(readRevision)));
    writes.add(json.isPresent()
        ? Op.put(etcdKey, bytes(json.get()), PutOption.DEFAULT)
        : Op.delete(etcdKey, DeleteOption.DEFAULT));
    records.add(record);
  }

  /**
   * Makes the transaction apply only while {@code approval}'s proposal is still stored at the
   * revision the approver read, and delete it, so that it is committed at most once.
   */
  void consume(ProposalApproval approval) {
    var proposalKey = bytes(approval.proposalKey());
    compares.add(new Cmp(proposalKey, Cmp.Op.EQUAL,
        CmpTarget.modRevision(approval.proposalModRevision())));
    writes.add(Op.delete(proposalKey, DeleteOption.DEFAULT));
  }

  /**
   * Records the write under an idempotency key too: the transaction then also requires the key to
   * be unused, and if that fails its else branch reads the record that used it.
   *
   * @param outcome the commit's outcome JSON (see {@link CommitSummary})
   */
  void recordIdempotency(IdempotencyRecords.Guard guard, String outcome) {
    this.idempotency = Optional.of(guard);
    this.outcome = outcome;
  }

  /** Sends the transaction; the response says whether the compares held and at which revision. */
  CompletableFuture<TxnResponse> commit(KV kv, Instant at) {
    List<Op> ops = new ArrayList<>(writes);
    List<String> ids = AuditIds.forCommit(at, records.size());
    for (int i = 0; i < records.size(); i++) {
      ops.add(Op.put(bytes(keys.auditKey(ids.get(i))), bytes(records.get(i).toJson()),
          PutOption.DEFAULT));
    }
    List<Cmp> guards = new ArrayList<>(compares);
    List<Op> otherwise = new ArrayList<>();
    idempotency.ifPresent(guard -> {
      guards.add(guard.unused());
      ops.add(guard.record(at, outcome));
      otherwise.add(guard.read());
    });
    return kv.txn()
        .If(guards.toArray(Cmp[]::new))
        .Then(ops.toArray(Op[]::new))
        .Else(otherwise.toArray(Op[]::new))
        .commit();
  }
}
