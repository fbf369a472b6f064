package io.paymesh.config.store;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed clock that runs one planted action the next time it is read. The repository reads the
 * clock between reading the current documents and sending its transaction, so the action is a
 * concurrent writer landing exactly in that window: a race made deterministic.
 */
final class InterferingClock extends Clock {
  private final Instant now;
  private final AtomicReference<ThrowingRunnable> next = new AtomicReference<>();

  InterferingClock(Instant now) {
    this.now = now;
  }

  void interfereOnce(ThrowingRunnable action) {
    next.set(action);
  }

  @Override
  public Instant instant() {
    ThrowingRunnable action = next.getAndSet(null);
    if (action != null) {
      try {
        action.run();
      } catch (Exception e) {
        throw new IllegalStateException("interfering write failed", e);
      }
    }
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("fixed to UTC");
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }
}
