package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A stream's log budget: so many lines per window, the rest counted, a new window refilled. */
class LogBudgetTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final LogBudget budget = new LogBudget(3, Duration.ofMinutes(1), nanos::get);

  @Test
  void tryAcquire_withinTheWindow_allowsTheBudgetThenSuppresses() {
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isTrue();
    for (int i = 0; i < 1000; i++) {
      assertThat(budget.tryAcquire()).isFalse();
    }

    assertThat(budget.takeSuppressed()).isEqualTo(1000);
    assertThat(budget.takeSuppressed()).isZero();
  }

  @Test
  void tryAcquire_inTheNextWindow_allowsTheBudgetAgain() {
    for (int i = 0; i < 5; i++) {
      budget.tryAcquire();
    }
    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(budget.tryAcquire()).isFalse();

    nanos.addAndGet(Duration.ofSeconds(1).toNanos());

    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.takeSuppressed()).isEqualTo(3);
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isTrue();
    assertThat(budget.tryAcquire()).isFalse();
  }

  @Test
  void aBudgetWithoutLines_isRefused() {
    assertThatThrownBy(() -> new LogBudget(0, Duration.ofMinutes(1), nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LogBudget(1, Duration.ZERO, nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
