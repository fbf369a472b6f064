package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Renewal at 40-60 % of the remaining lifetime; capped exponential backoff that stops at expiry. */
class RenewalTimingTest {
  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant NOT_AFTER = T0.plus(Duration.ofHours(10));

  /** A generator that always answers {@code value}: the jitter's extremes. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static RenewalTiming timing(double random) {
    return new RenewalTiming(Duration.ofSeconds(1), Duration.ofSeconds(30), fixed(random));
  }

  @Test
  void renewal_isBetween40And60PercentOfTheLifetime() {
    assertThat(timing(0.0).renewalAt(T0, NOT_AFTER, T0)).isEqualTo(T0.plus(Duration.ofHours(4)));
    assertThat(timing(0.5).renewalAt(T0, NOT_AFTER, T0)).isEqualTo(T0.plus(Duration.ofHours(5)));
    assertThat(timing(0.999999).renewalAt(T0, NOT_AFTER, T0))
        .isBetween(T0.plus(Duration.ofMinutes(359)), T0.plus(Duration.ofHours(6)));
  }

  @Test
  void renewal_countsFromReceipt_whenNotBeforeIsBackDated() {
    // Issued at T0+8h with notBefore back-dated to T0: 2 h left, renew after 1 h, not at once.
    Instant received = T0.plus(Duration.ofHours(8));
    assertThat(timing(0.5).renewalAt(T0, NOT_AFTER, received))
        .isEqualTo(received.plus(Duration.ofHours(1)));
  }

  @Test
  void retry_doublesFromInitialUpToTheCap() {
    RenewalTiming fullJitter = timing(0.999999999);
    assertThat(fullJitter.retryDelay(1, T0, NOT_AFTER)).isBetween(ms(999), ms(1000));
    assertThat(fullJitter.retryDelay(2, T0, NOT_AFTER)).isBetween(ms(1999), ms(2000));
    assertThat(fullJitter.retryDelay(3, T0, NOT_AFTER)).isBetween(ms(3999), ms(4000));
    assertThat(fullJitter.retryDelay(6, T0, NOT_AFTER)).isBetween(ms(29_999), ms(30_000));
    assertThat(fullJitter.retryDelay(1000, T0, NOT_AFTER)).isBetween(ms(29_999), ms(30_000));
  }

  @Test
  void retry_jitterKeepsAtLeastHalfTheBackoff() {
    assertThat(timing(0.0).retryDelay(3, T0, NOT_AFTER)).isEqualTo(ms(2000));
    assertThat(timing(0.0).retryDelay(50, T0, NOT_AFTER)).isEqualTo(ms(15_000));
  }

  @Test
  void retry_neverWaitsPastExpiry() {
    Instant now = NOT_AFTER.minus(Duration.ofSeconds(3));
    assertThat(timing(0.999).retryDelay(10, now, NOT_AFTER)).isEqualTo(Duration.ofSeconds(3));
    assertThat(timing(0.999).retryDelay(10, NOT_AFTER.plusSeconds(1), NOT_AFTER))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void bounds_areValidated() {
    assertThatThrownBy(() -> new RenewalTiming(Duration.ZERO, Duration.ofSeconds(1), fixed(0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalTiming(Duration.ofSeconds(2), Duration.ofSeconds(1), fixed(0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RenewalTiming(Duration.ofSeconds(1), Duration.ofDays(2), fixed(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
