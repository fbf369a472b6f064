package io.paymesh.config.audit;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.KeyLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The read side of the audit log that {@code PolicyRepository.commit} writes: pages of entries in
 * revision order (the admin API's history) and the entry of one document at one revision (what a
 * rollback restores). Thread-safe.
 */
public final class AuditLog {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final KV kv;
  private final KeyLayout keys;
  private final Duration timeout;

  public AuditLog(Client client, String prefix) {
    this(client, prefix, DEFAULT_TIMEOUT);
  }

  public AuditLog(Client client, String prefix, Duration timeout) {
    this.kv = Objects.requireNonNull(client, "client").getKVClient();
    this.keys = new KeyLayout(prefix);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * Entries with revision greater than {@code afterRevision}, ascending. A page ends on a revision
   * boundary: it holds at most {@code limit} entries, except that a single commit with more
   * matching changes than {@code limit} is returned whole.
   *
   * @param filter only the entries of this document, if present
   */
  public AuditPage page(Optional<ResourceKey> filter, long afterRevision, int limit) {
    Objects.requireNonNull(filter, "filter");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1: " + limit);
    }
    if (afterRevision < 0) {
      throw new IllegalArgumentException("afterRevision must not be negative: " + afterRevision);
    }
    AuditScan scan = new AuditScan(kv, keys.auditPrefix(), timeout, filter, afterRevision);
    List<AuditEntry> entries = new ArrayList<>();
    Optional<List<AuditEntry>> next = scan.next();
    while (next.isPresent() && (entries.isEmpty() || entries.size() + next.get().size() <= limit)) {
      entries.addAll(next.get());
      next = scan.next();
    }
    Optional<Long> nextAfter =
        next.isPresent() ? Optional.of(entries.get(entries.size() - 1).revision()) : Optional.empty();
    return new AuditPage(entries, nextAfter);
  }

  /** The entry recording the change of {@code key} committed at {@code revision}, if any. */
  public Optional<AuditEntry> at(ResourceKey key, long revision) {
    Objects.requireNonNull(key, "key");
    if (revision < 1) {
      return Optional.empty();
    }
    GetOption option =
        GetOption.builder()
            .isPrefix(true)
            .withMinCreateRevision(revision)
            .withMaxCreateRevision(revision)
            .build();
    for (KeyValue entry :
        await(kv.get(bytes(keys.auditPrefix()), option), timeout, "read audit log").getKvs()) {
      Optional<AuditEntry> decoded = AuditScan.decode(entry);
      if (decoded.isPresent() && decoded.get().key().equals(key)) {
        return decoded;
      }
    }
    return Optional.empty();
  }
}
