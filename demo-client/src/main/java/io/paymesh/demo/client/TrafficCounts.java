package io.paymesh.demo.client;

import java.util.Map;
import java.util.TreeMap;

/**
 * Which backend answered how many calls, in the current one-second window and since the start,
 * and how many failed. Used by the one thread that calls and reports, so it needs no locking.
 */
final class TrafficCounts {
  static final String FAILED = "failed";

  private final Map<String, Long> window = new TreeMap<>();
  private final Map<String, Long> total = new TreeMap<>();
  private long failedInWindow;
  private String lastFailure = "";

  void answeredBy(String backend) {
    window.merge(backend, 1L, Long::sum);
    total.merge(backend, 1L, Long::sum);
  }

  void failed(String why) {
    failedInWindow++;
    lastFailure = why;
  }

  /**
   * One report line, then a new window: {@code last 1s: payments-v1-demo=20 payments-v2-demo=0
   * failed=0 | since start: payments-v1-demo=240 payments-v2-demo=0}. Every backend seen so far
   * is listed, with 0 when it answered nothing in the window, so traffic leaving it is visible.
   */
  String reportAndReset() {
    StringBuilder line = new StringBuilder("last 1s:");
    for (String backend : total.keySet()) {
      line.append(' ').append(backend).append('=').append(window.getOrDefault(backend, 0L));
    }
    line.append(' ').append(FAILED).append('=').append(failedInWindow);
    if (failedInWindow > 0) {
      line.append(" (last: ").append(lastFailure).append(')');
    }
    line.append(" | since start:");
    total.forEach((backend, count) -> line.append(' ').append(backend).append('=').append(count));
    window.clear();
    failedInWindow = 0;
    return line.toString();
  }
}
