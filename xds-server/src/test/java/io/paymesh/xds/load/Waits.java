package io.paymesh.xds.load;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;

/** Bounded waits of the load tool, which reports a wait that ran out instead of failing. */
final class Waits {
  private static final Duration POLL = Duration.ofMillis(5);

  private Waits() {}

  /** Polls until the condition holds or the timeout passes; returns whether it held. */
  static boolean until(Duration timeout, BooleanSupplier condition) {
    return until(timeout, POLL, condition);
  }

  /** {@link #until(Duration, BooleanSupplier)}, polling every {@code interval}. */
  static boolean until(Duration timeout, Duration interval, BooleanSupplier condition) {
    try {
      await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(interval)
          .until(condition::getAsBoolean);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }
}
