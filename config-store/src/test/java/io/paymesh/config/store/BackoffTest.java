package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void nextDelay_doublesUpToMax_andResetStartsOver() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));

    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.failures()).isEqualTo(5);

    backoff.reset();

    assertThat(backoff.failures()).isZero();
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void construction_whenMaxBelowInitial_isRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("need 0 < initial <= max, got PT2S, PT1S");
  }
}
