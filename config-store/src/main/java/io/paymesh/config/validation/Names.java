package io.paymesh.config.validation;

import java.util.regex.Pattern;

/**
 * Syntax of the names and identifiers that appear in policy documents. Public only for
 * {@link #isIpLiteral}, which endpoint registrations share.
 */
public final class Names {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final int DNS_NAME_MAX = 253;
  private static final Pattern ALL_DIGITS = Pattern.compile("\\d+");
  private static final String IPV4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
  private static final Pattern IPV4 =
      Pattern.compile("(" + IPV4_OCTET + "\\.){3}" + IPV4_OCTET);
  private static final Pattern IPV6_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");
  private static final int IPV6_GROUPS = 8;
  private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
  /** RFC 3986 unreserved characters: a URL carries them as they are, never percent-encoded. */
  private static final Pattern URL_TOKEN = Pattern.compile("[A-Za-z0-9._~-]+");
  private static final Pattern API_VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  // SPIFFE: trust domain of lowercase letters, digits, '.', '-', '_'; a path of non-empty segments.
  private static final Pattern SPIFFE_ID =
      Pattern.compile("spiffe://[a-z0-9._-]+(/[A-Za-z0-9._-]+)+");

  private Names() {}

  static boolean isDnsLabel(String s) {
    return DNS_LABEL.matcher(s).matches();
  }

  static boolean isDnsName(String s) {
    if (s.isEmpty() || s.length() > DNS_NAME_MAX) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (!isDnsLabel(label)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A DNS name usable as an address: the last label is not all digits, so a mistyped IPv4
   * address such as {@code 10.0.0.256} is not taken for a hostname.
   */
  static boolean isHostname(String s) {
    return isDnsName(s) && !ALL_DIGITS.matcher(s.substring(s.lastIndexOf('.') + 1)).matches();
  }

  /** An IPv4 or IPv6 address literal, told apart without any DNS lookup. */
  public static boolean isIpLiteral(String s) {
    return IPV4.matcher(s).matches() || isIpv6(s);
  }

  /** Full or '::'-compressed IPv6 (no zone id, no embedded IPv4), parsed without any DNS lookup. */
  private static boolean isIpv6(String s) {
    int compressed = s.indexOf("::");
    if (compressed != s.lastIndexOf("::")) {
      return false;
    }
    if (compressed < 0) {
      return groups(s) == IPV6_GROUPS;
    }
    int head = compressed == 0 ? 0 : groups(s.substring(0, compressed));
    String tail = s.substring(compressed + 2);
    int tailGroups = tail.isEmpty() ? 0 : groups(tail);
    return head >= 0 && tailGroups >= 0 && head + tailGroups < IPV6_GROUPS;
  }

  /** The number of ':'-separated hex groups, or -1 if any group is malformed. */
  private static int groups(String s) {
    String[] parts = s.split(":", -1);
    for (String p : parts) {
      if (!IPV6_GROUP.matcher(p).matches()) {
        return -1;
      }
    }
    return parts.length;
  }

  static boolean isHeaderName(String s) {
    return HEADER_NAME.matcher(s).matches();
  }

  static boolean isUrlToken(String s) {
    return URL_TOKEN.matcher(s).matches();
  }

  static boolean isApiVersion(String s) {
    return API_VERSION.matcher(s).matches();
  }

  static boolean isSpiffeId(String s) {
    return SPIFFE_ID.matcher(s).matches();
  }
}
