package io.paymesh.config.audit;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.PolicyRepository;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks the audit log forward from a revision, one commit (one revision) at a time, reading etcd in
 * batches sorted by create revision. A batch may end in the middle of a commit's records; that
 * commit is left for the next batch, so a revision is never split between pages.
 */
final class AuditScan {
  /** Larger than the records of one commit, so every full batch holds a complete revision. */
  static final int BATCH = 100;

  private static final Logger LOG = LoggerFactory.getLogger(AuditScan.class);

  static {
    if (PolicyRepository.MAX_CHANGES_PER_COMMIT >= BATCH) {
      throw new AssertionError("audit batch must exceed the records of one commit");
    }
  }

  private final KV kv;
  private final String prefix;
  private final Duration timeout;
  private final Optional<ResourceKey> filter;
  private final Deque<List<AuditEntry>> ready = new ArrayDeque<>();
  /** Every revision up to this one has been read. */
  private long consumed;
  private boolean exhausted;

  AuditScan(KV kv, String prefix, Duration timeout, Optional<ResourceKey> filter, long after) {
    this.kv = kv;
    this.prefix = prefix;
    this.timeout = timeout;
    this.filter = filter;
    this.consumed = after;
    // No revision follows the largest one etcd can have; and consumed + 1 would wrap around to
    // the smallest long, which etcd reads as "no minimum": the whole log.
    this.exhausted = after == Long.MAX_VALUE;
  }

  /** The matching entries of the next revision that has any, sorted by audit key. */
  Optional<List<AuditEntry>> next() {
    while (ready.isEmpty() && !exhausted) {
      fetch();
    }
    return Optional.ofNullable(ready.poll());
  }

  private void fetch() {
    GetOption option =
        GetOption.builder()
            .isPrefix(true)
            .withSortField(GetOption.SortTarget.CREATE)
            .withSortOrder(GetOption.SortOrder.ASCEND)
            .withMinCreateRevision(consumed + 1)
            .withLimit(BATCH)
            .build();
    GetResponse response = await(kv.get(bytes(prefix), option), timeout, "read audit log");
    List<KeyValue> kvs = response.getKvs();
    if (kvs.isEmpty()) {
      exhausted = true;
      return;
    }
    long last = kvs.get(kvs.size() - 1).getCreateRevision();
    long complete = last;
    if (response.isMore()) {
      // The last revision may continue in the next batch; read it whole then. Only records written
      // around the repository could fill a batch with one revision; then take what we have.
      complete = kvs.get(0).getCreateRevision() == last ? last : last - 1;
    } else {
      exhausted = true;
    }
    List<KeyValue> group = new ArrayList<>();
    for (KeyValue entry : kvs) {
      if (entry.getCreateRevision() > complete) {
        break;
      }
      if (!group.isEmpty() && group.get(0).getCreateRevision() != entry.getCreateRevision()) {
        emit(group);
        group = new ArrayList<>();
      }
      group.add(entry);
    }
    emit(group);
    consumed = complete;
  }

  private void emit(List<KeyValue> group) {
    List<AuditEntry> entries =
        group.stream()
            // etcd's sort by create revision does not keep key order within one revision.
            .sorted(Comparator.comparing(entry -> string(entry.getKey())))
            .map(AuditScan::decode)
            .flatMap(Optional::stream)
            .filter(entry -> filter.map(entry.key()::equals).orElse(true))
            .toList();
    if (!entries.isEmpty()) {
      ready.add(entries);
    }
  }

  /** The entry stored in {@code entry}; empty (and logged) for a value that is not a record. */
  static Optional<AuditEntry> decode(KeyValue entry) {
    try {
      return Optional.of(AuditRecord.fromJson(string(entry.getValue())).at(entry.getCreateRevision()));
    } catch (IllegalArgumentException e) {
      LOG.warn("Skipping audit record {} at revision {}: {}", string(entry.getKey()),
          entry.getCreateRevision(), e.getMessage());
      return Optional.empty();
    }
  }
}
