package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the last good version of a damaged policy document in etcd's history, for when nobody has
 * seen one since start (the document was damaged before this process read it). Walks back one
 * version at a time from the damaged one, at most {@link #MAX_VERSIONS_BACK} versions, and stops
 * at the key's creation (an earlier incarnation deleted in between is not this document) and at
 * the compaction horizon (older versions are gone). Each step is one etcd read.
 */
final class PolicyHistory {
  /** Bounds the walk: a key damaged for longer is served as "nothing kept" rather than searched. */
  static final int MAX_VERSIONS_BACK = 10;
  private static final Logger LOG = LoggerFactory.getLogger(PolicyHistory.class);

  private final KV kv;
  private final StoredEntryDecoder decoder;
  private final Duration timeout;

  PolicyHistory(KV kv, StoredEntryDecoder decoder, Duration timeout) {
    this.kv = kv;
    this.decoder = decoder;
    this.timeout = timeout;
  }

  /**
   * The newest version of {@code key} older than {@code damagedModRevision} that decodes,
   * validates and matches its key; empty when there is none within reach or etcd cannot be read.
   */
  Optional<StoredEntry.Document> lastGood(String key, long damagedModRevision) {
    return search(key, damagedModRevision).found();
  }

  /** What a walk back through the history of one key found. */
  record Search(Optional<StoredEntry.Document> found, boolean reachedCreation) {
    static final Search CREATION = new Search(Optional.empty(), true);
    static final Search OUT_OF_REACH = new Search(Optional.empty(), false);
  }

  /**
   * Like {@link #lastGood}, also saying whether the walk reached the key's creation: then no
   * version older than the damaged one belongs to this incarnation of the key, and a last good
   * version remembered from before must not be served either.
   */
  Search search(String key, long damagedModRevision) {
    long at = damagedModRevision - 1;
    for (int step = 0; step < MAX_VERSIONS_BACK; step++) {
      if (at <= 0) {
        return Search.CREATION;
      }
      KeyValue version;
      try {
        GetResponse response = await(
            kv.get(bytes(key), GetOption.builder().withRevision(at).build()), timeout,
            "read " + key + " at revision " + at);
        if (response.getKvs().isEmpty()) {
          return Search.CREATION;  // the key did not exist then: no earlier good version
        }
        version = response.getKvs().get(0);
      } catch (PolicyStoreException e) {
        if (isCompacted(e)) {
          LOG.info("History of {} before revision {} is compacted; no last good version found",
              key, at + 1);
        } else {
          LOG.warn("Cannot read the history of {}: {}", key, e.getMessage());
        }
        return Search.OUT_OF_REACH;
      }
      Optional<StoredEntry> decoded =
          decoder.decode(key, string(version.getValue()), version.getModRevision());
      if (decoded.isPresent() && decoded.get() instanceof StoredEntry.Document document) {
        return new Search(Optional.of(document), false);
      }
      at = version.getModRevision() - 1;
    }
    return Search.OUT_OF_REACH;
  }

  private static boolean isCompacted(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CompactedException) {
        return true;
      }
      if (t instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.OUT_OF_RANGE) {
        return true;
      }
    }
    return false;
  }
}
