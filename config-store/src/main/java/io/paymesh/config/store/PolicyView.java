package io.paymesh.config.store;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The watcher's in-memory mirror of the policy input in etcd, keyed by etcd key. Mutable and
 * confined to the watcher thread; {@link #toSnapshot} freezes it into an immutable snapshot.
 */
final class PolicyView {
  private final SortedMap<String, StoredEntry> entries = new TreeMap<>();

  void put(String key, StoredEntry entry) {
    entries.put(key, entry);
  }

  /** True if the key was policy input of this view (deletes of other keys change nothing). */
  boolean remove(String key) {
    return entries.remove(key) != null;
  }

  int size() {
    return entries.size();
  }

  PolicySnapshot toSnapshot(long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision);
    for (StoredEntry entry : entries.values()) {
      if (entry instanceof StoredEntry.Document document) {
        builder.add(document.resource());
      } else if (entry instanceof StoredEntry.Instance instance) {
        builder.addEndpoint(instance.endpoint());
      } else if (entry instanceof StoredEntry.Rejected rejected) {
        builder.reject(rejected.document());
      } else {
        throw new AssertionError("unhandled entry " + entry);
      }
    }
    return builder.build();
  }

  /** Which keys a re-list added, removed or changed compared to this view. */
  Diff diff(PolicyView next) {
    Set<String> removed = new HashSet<>(entries.keySet());
    removed.removeAll(next.entries.keySet());
    int added = 0;
    int changed = 0;
    for (Map.Entry<String, StoredEntry> e : next.entries.entrySet()) {
      StoredEntry before = entries.get(e.getKey());
      if (before == null) {
        added++;
      } else if (!before.equals(e.getValue())) {
        changed++;
      }
    }
    return new Diff(added, removed.size(), changed);
  }

  record Diff(int added, int removed, int changed) {
    boolean isEmpty() {
      return added == 0 && removed == 0 && changed == 0;
    }
  }
}
