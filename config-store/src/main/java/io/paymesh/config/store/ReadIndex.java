package io.paymesh.config.store;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The read logs of many readers, indexed by what they read: the readers a change reaches are
 * looked up from the change's few names instead of asking every reader's log. A replica at 1,000
 * services keeps thousands of groups, and an endpoint change reaches a dozen of them; asking each
 * log was most of the change's cost.
 *
 * <p>{@link #touchedBy} gives every reader exactly what its log's {@link ReadLog#inputsTouchedBy}
 * gives. A log is indexed as it is when it is {@link #put}: one recorded into afterwards must be
 * put again. Not thread-safe: its owner guards it.
 *
 * @param <K> how readers are named (a proxy group)
 */
public final class ReadIndex<K> {
  private final Map<K, ReadLog> logs = new HashMap<>();
  /** Per input, per name read, the readers that read it. */
  private final Map<PolicyInput, Map<String, Set<K>>> byName = new EnumMap<>(PolicyInput.class);
  /** Per input, the readers that read it whole. */
  private final Map<PolicyInput, Set<K>> byWhole = new EnumMap<>(PolicyInput.class);

  /** Indexes {@code log} as what {@code reader} read, in place of what it read before. */
  public void put(K reader, ReadLog log) {
    remove(reader);
    logs.put(reader, log);
    log.namesRead().forEach((input, names) -> {
      Map<String, Set<K>> readers = byName.computeIfAbsent(input, i -> new HashMap<>());
      for (String name : names) {
        readers.computeIfAbsent(name, n -> new HashSet<>()).add(reader);
      }
    });
    for (PolicyInput input : log.inputsReadWhole()) {
      byWhole.computeIfAbsent(input, i -> new HashSet<>()).add(reader);
    }
  }

  /** Forgets what {@code reader} read: it is as if it never read. */
  public void remove(K reader) {
    ReadLog log = logs.remove(reader);
    if (log == null) {
      return;
    }
    log.namesRead().forEach((input, names) -> {
      Map<String, Set<K>> readers = byName.get(input);
      for (String name : names) {
        Set<K> ofName = readers.get(name);
        ofName.remove(reader);
        if (ofName.isEmpty()) {
          readers.remove(name);
        }
      }
    });
    for (PolicyInput input : log.inputsReadWhole()) {
      byWhole.get(input).remove(reader);
    }
  }

  /** What {@code reader} read, or null if it is not indexed. */
  public ReadLog get(K reader) {
    return logs.get(reader);
  }

  public boolean contains(K reader) {
    return logs.containsKey(reader);
  }

  /** The readers indexed, as a copy. */
  public Set<K> readers() {
    return new HashSet<>(logs.keySet());
  }

  public int size() {
    return logs.size();
  }

  /**
   * Every reader that {@code changes} reach, with the inputs they reach it through: the readers of
   * a changed name, and of a changed input read whole. Costs what the change names and the
   * readers it reaches, not the number of readers.
   */
  public Map<K, Set<PolicyInput>> touchedBy(PolicyChanges changes) {
    Map<K, Set<PolicyInput>> touched = new HashMap<>();
    for (PolicyInput input : changes.changedInputs()) {
      Map<String, Set<K>> readersByName = byName.getOrDefault(input, Map.of());
      if (changes.changedWhole(input)) {
        readersByName.values().forEach(readers -> reach(touched, readers, input));
      } else {
        for (String name : changes.changedNames(input)) {
          reach(touched, readersByName.getOrDefault(name, Set.of()), input);
        }
      }
      reach(touched, byWhole.getOrDefault(input, Set.of()), input);
    }
    return touched;
  }

  private static <K> void reach(Map<K, Set<PolicyInput>> touched, Set<K> readers,
      PolicyInput input) {
    for (K reader : readers) {
      touched.computeIfAbsent(reader, r -> EnumSet.noneOf(PolicyInput.class)).add(input);
    }
  }
}
