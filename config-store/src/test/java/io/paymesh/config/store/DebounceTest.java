package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watcher's publishing schedule, on a made-up clock (milliseconds as nanos for reading). */
class DebounceTest {
  private static final long WINDOW = 100;
  private final Debounce debounce = new Debounce(WINDOW);

  @Test
  void theFirstChange_andAChangeAWindowAfterTheLast_arePublishedAtOnce() {
    assertThat(debounce.changed(0)).isEqualTo(Debounce.NOW);
    debounce.flushed();

    assertThat(debounce.changed(50)).as("within a window of the last change")
        .isEqualTo(WINDOW);
    assertThat(debounce.due(150)).isEqualTo(Debounce.NOW);
    debounce.flushed();
    assertThat(debounce.changed(500)).isEqualTo(Debounce.NOW);
  }

  @Test
  void aBurst_isPublishedOnceWhenItPauses() {
    assertThat(debounce.changed(0)).isEqualTo(Debounce.NOW);
    debounce.flushed();

    assertThat(debounce.changed(20)).isEqualTo(WINDOW);
    assertThat(debounce.changed(40)).isEqualTo(Debounce.ALREADY_SCHEDULED);
    assertThat(debounce.changed(60)).isEqualTo(Debounce.ALREADY_SCHEDULED);
    // Due at 120, but the last change was at 60: wait for the quiet window to end at 160.
    assertThat(debounce.due(120)).isEqualTo(40);
    assertThat(debounce.due(160)).isEqualTo(Debounce.NOW);
    debounce.flushed();

    assertThat(debounce.changed(170)).as("a window after the last change").isEqualTo(Debounce.NOW);
  }

  @Test
  void fiftyChangesInOneSecond_becomeTwoPublishes_theLastWithinAWindowOfTheLastChange() {
    List<Long> publishes = new ArrayList<>();
    long due = -1;
    for (long t = 0; t <= 2000; t++) {
      if (t == due) {
        long wait = debounce.due(t);
        if (wait == Debounce.NOW) {
          debounce.flushed();
          publishes.add(t);
          due = -1;
        } else {
          due = t + wait;
        }
      }
      if (t % 20 == 0 && t < 1000) {
        long delay = debounce.changed(t);
        if (delay == Debounce.NOW) {
          debounce.flushed();
          publishes.add(t);
        } else if (delay != Debounce.ALREADY_SCHEDULED) {
          due = t + delay;
        }
      }
    }

    // The leading edge at 0; the burst from 20 on is capped at 20 + 10 windows = 1020, which is
    // 40 after the last change at 980 (its quiet window would have ended at 1080).
    assertThat(publishes).containsExactly(0L, 1020L);
  }

  @Test
  void aBurstThatNeverPauses_isStillPublishedEveryTenWindows() {
    debounce.changed(0);
    debounce.flushed();
    debounce.changed(10);
    for (long t = 10; t <= 1010; t += 10) {
      debounce.changed(t);
    }

    assertThat(debounce.due(1010)).isEqualTo(Debounce.NOW);
  }
}
