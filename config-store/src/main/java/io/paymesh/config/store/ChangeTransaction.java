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
 */
final class ChangeTransaction {
  private final KeyLayout keys;
  private final List<Cmp> compares = new ArrayList<>();
  private final List<Op> writes = new ArrayList<>();
  private final List<AuditRecord> records = new ArrayList<>();

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

  /** Sends the transaction; the response says whether the compares held and at which revision. */
  CompletableFuture<TxnResponse> commit(KV kv, Instant at) {
    List<Op> ops = new ArrayList<>(writes);
    List<String> ids = AuditIds.forCommit(at, records.size());
    for (int i = 0; i < records.size(); i++) {
      ops.add(Op.put(bytes(keys.auditKey(ids.get(i))), bytes(records.get(i).toJson()),
          PutOption.DEFAULT));
    }
    return kv.txn().If(compares.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new)).commit();
  }
}
