package io.paymesh.xds.load;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling for the load tool (a tool, not a test: it has no Awaitility). */
final class Waits {
  private static final long POLL_MILLIS = 5;

  private Waits() {}

  /** Polls until the condition holds or the timeout passes; returns whether it held. */
  static boolean until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return true;
  }
}
