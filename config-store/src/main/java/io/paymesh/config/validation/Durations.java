package io.paymesh.config.validation;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration notation of policy documents ({@code 250ms}, {@code 2s}, {@code 1m}): parsed by the
 * codec, printed by the codec and in validation messages so both read the same.
 */
public final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})(ms|s|m)");
  private static final Pattern HOURS = Pattern.compile("(\\d{1,6})h");
  private static final long MILLIS_PER_SECOND = 1_000;
  private static final long MILLIS_PER_MINUTE = 60_000;

  private Durations() {}

  /** Parses {@code <int>ms|s|m}; anything else (signs, spaces, hours, fractions) is empty. */
  public static Optional<Duration> parse(String text) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Optional.of(Duration.ofMillis(amount));
      case "s":
        return Optional.of(Duration.ofSeconds(amount));
      case "m":
        return Optional.of(Duration.ofMinutes(amount));
      default:
        throw new AssertionError(m.group(2));
    }
  }

  /**
   * Like {@link #parse} but also whole hours ({@code 1h}, {@code 24h}): for settings such as
   * certificate lifetimes and join token TTLs. Policy documents keep {@code ms|s|m}.
   */
  public static Optional<Duration> parseSetting(String text) {
    Matcher hours = HOURS.matcher(text);
    if (hours.matches()) {
      return Optional.of(Duration.ofHours(Long.parseLong(hours.group(1))));
    }
    return parse(text);
  }

  /**
   * The shortest exact form: 60000ms prints as 1m, 1500ms as 1500ms. Sub-millisecond parts are
   * dropped (documents cannot express them).
   */
  public static String format(Duration d) {
    long millis = d.toMillis();
    if (millis != 0 && millis % MILLIS_PER_MINUTE == 0) {
      return millis / MILLIS_PER_MINUTE + "m";
    }
    if (millis % MILLIS_PER_SECOND == 0) {
      return millis / MILLIS_PER_SECOND + "s";
    }
    return millis + "ms";
  }
}
