package io.paymesh.config.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Records every snapshot a watcher publishes, for assertions from the test thread. */
final class SnapshotRecorder implements Consumer<PolicySnapshot> {
  private final List<PolicySnapshot> snapshots = new CopyOnWriteArrayList<>();

  @Override
  public void accept(PolicySnapshot snapshot) {
    snapshots.add(snapshot);
  }

  List<PolicySnapshot> all() {
    return List.copyOf(snapshots);
  }

  int count() {
    return snapshots.size();
  }

  PolicySnapshot last() {
    List<PolicySnapshot> copy = all();
    if (copy.isEmpty()) {
      throw new AssertionError("no snapshot published yet");
    }
    return copy.get(copy.size() - 1);
  }

  boolean any() {
    return !snapshots.isEmpty();
  }
}
