package io.paymesh.xds.gate;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The full Gate, paused the first time it checks one group: lets a test put a publish in the
 * middle of a build that runs on another thread.
 */
public final class PausingGate {
  private PausingGate() {}

  /**
   * @param entered counted down when the first check of {@code group} has begun
   * @param resume what that check waits for (at most 10 s) before it goes on
   */
  public static Gate pausingOnce(ProxyGroup group, CountDownLatch entered, CountDownLatch resume) {
    AtomicBoolean first = new AtomicBoolean(true);
    List<GateCheck> checks = new ArrayList<>(Gate.allChecks());
    checks.add(new GateCheck() {
      @Override
      public String invariant() {
        return "test-pause";
      }

      @Override
      public List<GateViolation> check(
          PolicySnapshot snapshot, ProxyGroup checked, GroupResources resources) {
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
        return List.of();
      }
    });
    return new Gate(checks);
  }
}
