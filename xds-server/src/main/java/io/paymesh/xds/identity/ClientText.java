package io.paymesh.xds.identity;

/**
 * Client-supplied strings made safe for a log line or an error message: quoted, truncated, and
 * with anything outside printable ASCII (line breaks, ANSI escapes, Unicode look-alikes) written
 * as {@code \\uXXXX}, so a request cannot forge or hide log entries.
 */
final class ClientText {
  static final int MAX_CHARS = 64;

  private ClientText() {}

  static String quote(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16).append('\'');
    int shown = Math.min(text.length(), MAX_CHARS);
    for (int i = 0; i < shown; i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '\\') {
        out.append('\\').append(c);
      } else if (c >= 0x20 && c < 0x7f) {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    out.append('\'');
    if (text.length() > MAX_CHARS) {
      out.append("... (").append(text.length()).append(" chars)");
    }
    return out.toString();
  }
}
