package io.paymesh.config.store;

/**
 * When the watcher publishes a burst of etcd changes: a change that comes a whole window after
 * the one before it is published at once (the leading edge: a single change waits for nothing), later ones are
 * gathered until no change came for a whole window, and a burst that never pauses is still
 * published every {@link #MAX_DELAY_WINDOWS} windows so proxies are never left far behind.
 * With the default 100 ms window, 50 puts spread over one second become two or three snapshots.
 *
 * <p>Pure state over a caller-supplied clock (nanoseconds), confined to the watcher thread.
 */
final class Debounce {
  /** A continuous burst is published at least this many windows after it began. */
  static final int MAX_DELAY_WINDOWS = 10;
  static final long NOW = 0;
  static final long ALREADY_SCHEDULED = -1;

  private final long windowNanos;
  private final long maxDelayNanos;
  private boolean changedBefore;
  private boolean pending;
  private long firstPendingNanos;
  private long lastChangeNanos;

  Debounce(long windowNanos) {
    if (windowNanos < 0) {
      throw new IllegalArgumentException("window must not be negative: " + windowNanos);
    }
    this.windowNanos = windowNanos;
    this.maxDelayNanos = windowNanos * MAX_DELAY_WINDOWS;
  }

  /**
   * A change arrived. Returns {@link #NOW} to publish at once, {@link #ALREADY_SCHEDULED} if a
   * publish is already pending, or the delay after which {@link #due} is to be asked.
   */
  long changed(long nowNanos) {
    boolean quiet = !changedBefore || nowNanos - lastChangeNanos >= windowNanos;
    changedBefore = true;
    lastChangeNanos = nowNanos;
    if (pending) {
      return ALREADY_SCHEDULED;
    }
    if (quiet) {
      return NOW;
    }
    pending = true;
    firstPendingNanos = nowNanos;
    return windowNanos;
  }

  /** A scheduled publish came due: {@link #NOW}, or how much longer to wait. */
  long due(long nowNanos) {
    long quietAt = lastChangeNanos + windowNanos;
    long capAt = firstPendingNanos + maxDelayNanos;
    return Math.max(NOW, Math.min(quietAt, capAt) - nowNanos);
  }

  /** A snapshot was published (or the pending changes were superseded by a new list). */
  void flushed() {
    pending = false;
  }
}
