package io.paymesh.xds.load;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts kept by all simulated Envoys of a run as their responses arrive, so that the load tool's
 * waits read a few numbers instead of scanning every stream: polled every few milliseconds, a
 * scan of 10,000 streams took a large share of one of the two cores the measured server runs on.
 */
final class StreamTally {
  private final AtomicLong responses = new AtomicLong();
  private final AtomicLong latestResponseNanos = new AtomicLong(Long.MIN_VALUE);
  private final AtomicInteger configured = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();

  void responded(long nanos) {
    responses.incrementAndGet();
    latestResponseNanos.accumulateAndGet(nanos, Math::max);
  }

  /** A stream had every type it subscribes to ACKed for the first time. */
  void configured() {
    configured.incrementAndGet();
  }

  /** A stream failed or was ended by the server (counted once per stream). */
  void failed() {
    failed.incrementAndGet();
  }

  long responses() {
    return responses.get();
  }

  /** When the latest response of any stream arrived ({@link System#nanoTime}). */
  long latestResponseNanos() {
    return latestResponseNanos.get();
  }

  /** Streams that have their initial config or have failed. */
  int settled() {
    return configured.get() + failed.get();
  }
}
