package io.paymesh.config.store;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one reader (the translation and check of one proxy group) read from a snapshot, recorded
 * by {@link PolicySnapshot#recording}: names of each input, or a whole input when the reader
 * looked at all of it (iterated, asked for its size). A later snapshot whose
 * {@link PolicyChanges} touch none of it would give the reader the same answers.
 */
public final class ReadLog {
  private final Map<PolicyInput, Set<String>> names = new EnumMap<>(PolicyInput.class);
  private final Set<PolicyInput> whole = EnumSet.noneOf(PolicyInput.class);

  void read(PolicyInput input, Object name) {
    if (name instanceof String key) {
      names.computeIfAbsent(input, i -> new HashSet<>()).add(key);
    } else {
      // A lookup by something that is not a name can only be answered by looking at everything.
      readAll(input);
    }
  }

  void readAll(PolicyInput input) {
    whole.add(input);
  }

  /** Whether any of what was read differs in {@code changes}. */
  public boolean touchedBy(PolicyChanges changes) {
    for (PolicyInput input : whole) {
      if (changes.any(input)) {
        return true;
      }
    }
    for (Map.Entry<PolicyInput, Set<String>> read : names.entrySet()) {
      if (touchesAny(changes, read.getKey(), read.getValue())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The inputs through which {@code changes} reach what was read: empty when
   * {@link #touchedBy} is false; only {@link PolicyInput#ENDPOINTS} for an endpoint change.
   */
  public Set<PolicyInput> inputsTouchedBy(PolicyChanges changes) {
    Set<PolicyInput> touched = EnumSet.noneOf(PolicyInput.class);
    for (PolicyInput input : whole) {
      if (changes.any(input)) {
        touched.add(input);
      }
    }
    for (Map.Entry<PolicyInput, Set<String>> read : names.entrySet()) {
      if (!touched.contains(read.getKey())
          && touchesAny(changes, read.getKey(), read.getValue())) {
        touched.add(read.getKey());
      }
    }
    return touched;
  }

  private static boolean touchesAny(PolicyChanges changes, PolicyInput input, Set<String> names) {
    for (String name : names) {
      if (changes.touches(input, name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ReadLog{names=" + names + ", whole=" + whole + "}";
  }
}
