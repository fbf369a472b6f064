package io.paymesh.xds.load;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The etcd floor of a change: when a watcher of the changed document's key, in the load tool's
 * own process, hears of a write. No control plane that learns of changes from an etcd watch can
 * push a change before etcd has told it, so a put's time to this watcher is what etcd alone
 * takes of the change's latency: the write (its raft round and the fsync of etcd's log) and the
 * watch event's delivery. It runs beside the server's own watch on the same etcd, during the same
 * changes, so a slow write shows in both.
 */
final class EtcdFloor implements AutoCloseable {
  /** {@link System#nanoTime} at which each revision's event arrived. */
  private final Map<Long, Long> heardAtNanos = new ConcurrentHashMap<>();
  private final CountDownLatch created = new CountDownLatch(1);
  private final Watch.Watcher watcher;

  private EtcdFloor(Client client, String key) {
    ByteSequence watched = ByteSequence.from(key, StandardCharsets.UTF_8);
    watcher = client.getWatchClient().watch(watched,
        WatchOption.builder().withCreateNotify(true).build(), this::heard);
  }

  /**
   * Watches {@code key} and returns once etcd has created the watch, so that no put made after
   * this returns can be missed.
   *
   * @throws IllegalStateException if etcd did not create the watch within {@code timeout}
   */
  static EtcdFloor watching(Client client, String key, Duration timeout)
      throws InterruptedException {
    EtcdFloor floor = new EtcdFloor(client, key);
    if (!floor.created.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      floor.close();
      throw new IllegalStateException("etcd did not create a watch of " + key + " within "
          + timeout);
    }
    return floor;
  }

  private void heard(WatchResponse response) {
    // Taken before anything else: the time the event reached this process.
    long now = System.nanoTime();
    if (response.isCreatedNotify()) {
      created.countDown();
    }
    for (WatchEvent event : response.getEvents()) {
      heardAtNanos.putIfAbsent(event.getKeyValue().getModRevision(), now);
    }
  }

  /**
   * When ({@link System#nanoTime}) the watcher heard of the write at {@code revision}, waiting for
   * it up to {@code timeout}; empty if it did not.
   */
  Optional<Long> heardAt(long revision, Duration timeout) {
    Waits.until(timeout, () -> heardAtNanos.containsKey(revision));
    return Optional.ofNullable(heardAtNanos.get(revision));
  }

  @Override
  public void close() {
    watcher.close();
  }
}
