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

  /** The names read of each input read by name ({@link ReadIndex} indexes them). */
  Map<PolicyInput, Set<String>> namesRead() {
    return names;
  }

  /** The inputs read whole. */
  Set<PolicyInput> inputsReadWhole() {
    return whole;
  }

  /** Whether any of what was read differs in {@code changes}. */
  public boolean touchedBy(PolicyChanges changes) {
    return !inputsTouchedBy(changes).isEmpty();
  }

  /**
   * The inputs through which {@code changes} reach what was read: empty when
   * {@link #touchedBy} is false; only {@link PolicyInput#ENDPOINTS} for an endpoint change.
   * Asked of every group on every change, so it looks only at the inputs that changed (one or
   * two, where a group reads a dozen).
   */
  public Set<PolicyInput> inputsTouchedBy(PolicyChanges changes) {
    Set<PolicyInput> touched = EnumSet.noneOf(PolicyInput.class);
    for (PolicyInput input : changes.changedInputs()) {
      if (whole.contains(input)) {
        touched.add(input);
        continue;
      }
      Set<String> read = names.get(input);
      if (read != null && touchesAny(changes, input, read)) {
        touched.add(input);
      }
    }
    return touched;
  }

  /**
   * Whether one of {@code read} is among the changed entries of {@code input}. Runs for every
   * group on every change, so it walks the smaller set: a change names a few entries, a group
   * reads hundreds.
   */
  private static boolean touchesAny(PolicyChanges changes, PolicyInput input, Set<String> read) {
    if (changes.changedWhole(input)) {
      return !read.isEmpty();
    }
    Set<String> changed = changes.changedNames(input);
    Set<String> smaller = changed.size() <= read.size() ? changed : read;
    Set<String> larger = smaller == changed ? read : changed;
    for (String name : smaller) {
      if (larger.contains(name)) {
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
