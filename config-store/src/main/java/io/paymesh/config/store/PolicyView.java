package io.paymesh.config.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The watcher's in-memory mirror of the policy input in etcd, keyed by etcd key. Mutable and
 * confined to the watcher thread; {@link #toSnapshot} freezes it into an immutable snapshot.
 *
 * <p>Besides what each key holds now, the view remembers the last good version of every policy
 * document key: when a later version is damaged (does not decode or validate), the snapshot keeps
 * serving that last good version and lists the damage, so a document edited by hand never takes
 * configuration away from proxies. Deleting the key forgets it: a delete is a valid operator
 * action.
 */
final class PolicyView {
  private final SortedMap<String, StoredEntry> entries = new TreeMap<>();
  private final Map<String, StoredEntry.Document> lastGood = new HashMap<>();
  /** The endpoint entries of each service, by key: what a changed service's list is made of. */
  private final Map<String, Map<String, Endpoint>> instances = new HashMap<>();
  /** The snapshot {@link #toSnapshot} made last; the next one is made from it and the changes. */
  private PolicySnapshot lastSnapshot;
  /** Each key changed since {@link #lastSnapshot}, with what it held then (null: nothing). */
  private final Map<String, StoredEntry> changedSince = new HashMap<>();
  /**
   * Set when a change involves a damaged document: what it shows in the snapshot depends on the
   * last good versions too, so the next snapshot is made from the whole view (rare).
   */
  private boolean rebuildWhole = true;

  void put(String key, StoredEntry entry) {
    StoredEntry before = entries.put(key, entry);
    noteChange(key, before);
    if (entry instanceof StoredEntry.Rejected) {
      rebuildWhole = true;
    }
    if (before instanceof StoredEntry.Instance was) {
      forgetInstance(key, was.endpoint());
    }
    if (entry instanceof StoredEntry.Instance instance) {
      instances.computeIfAbsent(instance.endpoint().service(), s -> new HashMap<>())
          .put(key, instance.endpoint());
    }
    if (entry instanceof StoredEntry.Document document) {
      lastGood.put(key, document);
    }
  }

  private void noteChange(String key, StoredEntry before) {
    if (before instanceof StoredEntry.Rejected) {
      rebuildWhole = true;
    }
    if (!rebuildWhole && !changedSince.containsKey(key)) {
      changedSince.put(key, before);
    }
  }

  private void forgetInstance(String key, Endpoint endpoint) {
    Map<String, Endpoint> ofService = instances.get(endpoint.service());
    if (ofService != null) {
      ofService.remove(key);
      if (ofService.isEmpty()) {
        instances.remove(endpoint.service());
      }
    }
  }

  /**
   * Records {@code document}, an earlier version of {@code key} found in etcd's history, as the
   * last good version to serve while the key is damaged.
   */
  void keep(String key, StoredEntry.Document document) {
    lastGood.put(key, document);
    rebuildWhole = true;
  }

  /** True if the key was policy input of this view (deletes of other keys change nothing). */
  boolean remove(String key) {
    lastGood.remove(key);
    StoredEntry before = entries.remove(key);
    if (before == null) {
      return false;
    }
    noteChange(key, before);
    if (before instanceof StoredEntry.Instance was) {
      forgetInstance(key, was.endpoint());
    }
    return true;
  }

  int size() {
    return entries.size();
  }

  /**
   * The last good version this view knows for {@code key}; a re-list carries it over when etcd's
   * history no longer holds it (a re-list follows a compaction).
   */
  Optional<StoredEntry.Document> lastGood(String key) {
    return Optional.ofNullable(lastGood.get(key));
  }

  /** Damaged policy documents for which no last good version is known yet. */
  List<RejectedDocument> damagedWithoutLastGood() {
    List<RejectedDocument> damaged = new ArrayList<>();
    entries.keySet().forEach(key -> damagedWithoutLastGood(key).ifPresent(damaged::add));
    return damaged;
  }

  /** What is damaged under {@code key}, if it is a policy document with no last good version. */
  Optional<RejectedDocument> damagedWithoutLastGood(String key) {
    if (entries.get(key) instanceof StoredEntry.Rejected rejected && rejected.canKeepLastGood()
        && !lastGood.containsKey(key)) {
      return Optional.of(rejected.document());
    }
    return Optional.empty();
  }

  /**
   * The view as a snapshot at {@code revision}. Made from the previous one and the keys changed
   * since, so a change costs in proportion to what it changed (a kind's map is copied only if
   * one of its documents changed), unless a damaged document is involved.
   */
  PolicySnapshot toSnapshot(long revision) {
    PolicySnapshot snapshot =
        rebuildWhole || lastSnapshot == null ? wholeSnapshot(revision) : changedSnapshot(revision);
    lastSnapshot = snapshot;
    changedSince.clear();
    rebuildWhole = false;
    return snapshot;
  }

  private PolicySnapshot changedSnapshot(long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision, lastSnapshot);
    Set<String> endpointServices = new HashSet<>();
    changedSince.forEach((key, before) -> {
      StoredEntry now = entries.get(key);
      if (before instanceof StoredEntry.Document was) {
        builder.remove(was.resource().kind(), was.resource().name());
      } else if (before instanceof StoredEntry.Instance was) {
        endpointServices.add(was.endpoint().service());
      }
      if (now instanceof StoredEntry.Document document) {
        builder.add(document.resource());
      } else if (now instanceof StoredEntry.Instance instance) {
        endpointServices.add(instance.endpoint().service());
      }
    });
    for (String service : endpointServices) {
      builder.replaceEndpoints(service, instances.getOrDefault(service, Map.of()).values());
    }
    return builder.build();
  }

  /** The snapshot made from every entry of the view, as {@link #toSnapshot} first does. */
  PolicySnapshot wholeSnapshot(long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision);
    for (Map.Entry<String, StoredEntry> e : entries.entrySet()) {
      StoredEntry entry = e.getValue();
      if (entry instanceof StoredEntry.Document document) {
        builder.add(document.resource());
      } else if (entry instanceof StoredEntry.Instance instance) {
        builder.addEndpoint(instance.endpoint());
      } else if (entry instanceof StoredEntry.Rejected rejected) {
        StoredEntry.Document kept = rejected.canKeepLastGood() ? lastGood.get(e.getKey()) : null;
        if (kept == null) {
          builder.reject(rejected.document());
        } else {
          builder.add(kept.resource());
          builder.reject(rejected.document().keeping(kept.modRevision()));
        }
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
