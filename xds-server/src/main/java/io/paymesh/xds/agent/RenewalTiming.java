package io.paymesh.xds.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When to renew and when to retry: renewal at a random 40-60 % of the remaining lifetime (so
 * replicas started together spread out), retries after a capped exponential backoff with jitter
 * that never waits past the certificate's expiry.
 */
final class RenewalTiming {
  static final double RENEW_FROM = 0.4;
  static final double RENEW_TO = 0.6;
  static final Duration MAX_RETRY_CAP = Duration.ofDays(1);

  private final Duration retryInitial;
  private final Duration retryCap;
  private final RandomGenerator random;

  RenewalTiming(Duration retryInitial, Duration retryCap, RandomGenerator random) {
    if (retryInitial.isNegative() || retryInitial.isZero() || retryCap.compareTo(retryInitial) < 0
        || retryCap.compareTo(MAX_RETRY_CAP) > 0) {
      throw new IllegalArgumentException("need 0 < retryInitial <= retryCap <= " + MAX_RETRY_CAP
          + ", got " + retryInitial + " and " + retryCap);
    }
    this.retryInitial = retryInitial;
    this.retryCap = retryCap;
    this.random = random;
  }

  /**
   * The renewal time of a certificate received at {@code receivedAt}. The lifetime is counted
   * from the later of notBefore and receipt: CAs back-date notBefore for clock skew, and half of
   * a back-dated lifetime could already be over.
   */
  Instant renewalAt(Instant notBefore, Instant notAfter, Instant receivedAt) {
    Instant start = notBefore.isAfter(receivedAt) ? notBefore : receivedAt;
    long lifetimeNanos = Math.max(0, Duration.between(start, notAfter).toNanos());
    double fraction = RENEW_FROM + (RENEW_TO - RENEW_FROM) * random.nextDouble();
    return start.plusNanos((long) (lifetimeNanos * fraction));
  }

  /**
   * The wait before retry number {@code failures} (1 after the first failure): the backoff
   * {@code min(cap, initial * 2^(failures-1))}, of which a random half to all ("equal jitter"),
   * and no longer than until {@code notAfter}.
   */
  Duration retryDelay(int failures, Instant now, Instant notAfter) {
    long cap = retryCap.toNanos();
    long backoff = retryInitial.toNanos();
    for (int i = 1; i < failures && backoff < cap; i++) {
      backoff = Math.min(cap, backoff * 2); // cap <= a day: no overflow
    }
    long jittered = backoff / 2 + (long) (backoff / 2.0 * random.nextDouble());
    long untilExpiry = Math.max(0, Duration.between(now, notAfter).toNanos());
    return Duration.ofNanos(Math.min(jittered, untilExpiry));
  }
}
