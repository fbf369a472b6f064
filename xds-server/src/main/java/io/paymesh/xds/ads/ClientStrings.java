package io.paymesh.xds.ads;

/**
 * Makes a string a client sent (node id, node cluster) safe to log: bounded in length and with
 * control and non-ASCII characters escaped, so a client cannot forge log lines or flood the log.
 */
public final class ClientStrings {
  static final int MAX_LENGTH = 128;

  private ClientStrings() {}

  /** At most {@value #MAX_LENGTH} characters of a short client string (ids, names). */
  public static String forLog(String value) {
    return forLog(value, MAX_LENGTH);
  }

  /** At most {@code maxLength} characters, for longer texts such as a NACK's error detail. */
  public static String forLog(String value, int maxLength) {
    if (value == null) {
      return "<none>";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength) + 16);
    int shown = Math.min(value.length(), maxLength);
    for (int i = 0; i < shown; i++) {
      char c = value.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (value.length() > maxLength) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }
}
