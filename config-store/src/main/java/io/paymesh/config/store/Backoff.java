package io.paymesh.config.store;

import java.time.Duration;

/**
 * Bounded exponential backoff for reconnecting to etcd: doubles from {@code initial} up to
 * {@code max}, and starts over once a connection has worked again. Not thread-safe: each user owns
 * one on its own thread.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;
  private int failures;

  Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The delay before the next attempt; each call doubles the following one, up to max. */
  Duration nextDelay() {
    Duration current = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    failures++;
    return current;
  }

  /** Consecutive failures since the last {@link #reset()}. */
  int failures() {
    return failures;
  }

  void reset() {
    next = initial;
    failures = 0;
  }
}
