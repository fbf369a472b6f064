package io.paymesh.xds.ads;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How many log lines one ADS stream may still write: at most {@code linesPerWindow} in each
 * window (a minute in production), the rest counted and not written. Every request a client
 * sends (an ACK, a NACK) would otherwise cost a log line, so a hostile or looping client could
 * fill the disk; with a budget a stream writes at most {@code linesPerWindow + 1} lines a minute
 * (the extra one says how many were suppressed) whatever it sends.
 *
 * <p>Not thread-safe on purpose: gRPC delivers a stream's requests and its end one at a time.
 */
final class LogBudget {
  /** A healthy client ACKs a handful of types per config change; 30 a minute is generous. */
  static final int DEFAULT_LINES_PER_WINDOW = 30;
  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  private final int linesPerWindow;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private long windowStart;
  private int writtenInWindow;
  private long suppressed;

  LogBudget(int linesPerWindow, Duration window, LongSupplier nanoTime) {
    if (linesPerWindow < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a log budget needs at least one line per window");
    }
    this.linesPerWindow = linesPerWindow;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  static LogBudget perMinute() {
    return new LogBudget(DEFAULT_LINES_PER_WINDOW, DEFAULT_WINDOW, System::nanoTime);
  }

  /**
   * Whether one more line may be written now. When it may after lines were suppressed, the
   * caller first reports {@link #takeSuppressed()}.
   */
  boolean tryAcquire() {
    long now = nanoTime.getAsLong();
    if (now - windowStart >= windowNanos) {
      windowStart = now;
      writtenInWindow = 0;
    }
    if (writtenInWindow < linesPerWindow) {
      writtenInWindow++;
      return true;
    }
    suppressed++;
    return false;
  }

  /** The number of lines suppressed since the last call, and starts counting again from zero. */
  long takeSuppressed() {
    long taken = suppressed;
    suppressed = 0;
    return taken;
  }

  int linesPerWindow() {
    return linesPerWindow;
  }

  Duration window() {
    return Duration.ofNanos(windowNanos);
  }
}
