package io.paymesh.xds;

/**
 * Makes a string a client sent (an ADS node id, cluster or NACK detail; the service named in a
 * certificate request) safe for a log line or an error message: bounded in length, with control
 * and non-ASCII characters (line breaks, ANSI escapes, Unicode look-alikes) and the backslash
 * written as {@code \\uXXXX}, so a client cannot forge or hide log lines, nor flood the log.
 */
public final class ClientStrings {
  static final int MAX_LENGTH = 128;
  static final int MAX_QUOTED_LENGTH = 64;

  private ClientStrings() {}

  /** At most {@value #MAX_LENGTH} characters of a short client string (ids, names). */
  public static String forLog(String value) {
    return forLog(value, MAX_LENGTH);
  }

  /** At most {@code maxLength} characters, for longer texts such as a NACK's error detail. */
  public static String forLog(String value, int maxLength) {
    return value == null ? "<none>" : escape(value, maxLength, false);
  }

  /**
   * In single quotes, for a value inside a sentence ({@code got 'check\u000aout'}): at most
   * {@value #MAX_QUOTED_LENGTH} characters, and a quote in the value escaped too, so that the
   * quotes show where it ends.
   */
  public static String quoted(String value) {
    return value == null ? "null" : escape(value, MAX_QUOTED_LENGTH, true);
  }

  private static String escape(String value, int maxLength, boolean quoted) {
    int shown = Math.min(value.length(), maxLength);
    StringBuilder out = new StringBuilder(shown + 18);
    if (quoted) {
      out.append('\'');
    }
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\' && !(quoted && c == '\'')) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (quoted) {
      out.append('\'');
    }
    if (value.length() > maxLength) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
