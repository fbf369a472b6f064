package io.paymesh.xds.gate;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The full Gate with one more check that passes everything and lets a test see or steer the
 * builds: which groups are checked, or a build paused in the middle.
 */
public final class TestGates {
  private TestGates() {}

  /**
   * Paused the first time it checks {@code group}: lets a test put a publish in the middle of a
   * build that runs on another thread.
   *
   * @param entered counted down when the first check of {@code group} has begun
   * @param resume what that check waits for (at most 10 s) before it goes on
   */
  public static Gate pausingOnce(ProxyGroup group, CountDownLatch entered, CountDownLatch resume) {
    AtomicBoolean first = new AtomicBoolean(true);
    return observing(checked -> {
      if (checked.equals(group) && first.compareAndSet(true, false)) {
        entered.countDown();
        try {
          if (!resume.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never resumed the paused check");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
  }

  /** Counting how often it checks each group. @param checked must be thread-safe */
  public static Gate counting(Map<ProxyGroup, Integer> checked) {
    return observing(group -> checked.merge(group, 1, Integer::sum));
  }

  /** Every check of the Gate, then one that passes after telling {@code observer} the group. */
  private static Gate observing(Consumer<ProxyGroup> observer) {
    List<GateCheck> checks = new ArrayList<>(Gate.allChecks());
    checks.add(new GateCheck() {
      @Override
      public String invariant() {
        return "test-observer";
      }

      @Override
      public List<GateViolation> check(
          PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
        observer.accept(group);
        return List.of();
      }
    });
    return new Gate(checks);
  }
}
