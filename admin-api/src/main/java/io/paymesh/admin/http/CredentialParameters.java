package io.paymesh.admin.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * The query parameters that look like a credential. Credentials belong in the {@code
 * Authorization} header only: a URL ends up in request logs, proxy logs, browser history and
 * {@code Referer} headers. The API refuses such a parameter ({@link CredentialQueryFilter}) and
 * every log that prints a URL shows its value as {@value #REDACTED} ({@link RedactingRequestLog},
 * io.paymesh.admin.logging.CredentialLogGuard).
 * This is the one list of those names; it is compared case-insensitively, after percent-decoding
 * the name (so {@code access%5Ftoken} is {@code access_token} too).
 */
public final class CredentialParameters {

  public static final String REDACTED = "REDACTED";

  /** Lower case. */
  public static final Set<String> NAMES = Set.of("access_token", "token", "api_key", "apikey",
      "key", "password", "secret", "auth", "authorization", "bearer", "jwt", "session");

  private static final Pattern AMPERSAND = Pattern.compile("&");

  private CredentialParameters() {}

  public static boolean isCredential(String decodedName) {
    return NAMES.contains(decodedName.toLowerCase(Locale.ROOT));
  }

  /** The decoded name of the first credential parameter in a raw query string, if any. */
  public static Optional<String> firstIn(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : AMPERSAND.split(rawQuery)) {
      String name = decodedName(pair);
      if (isCredential(name)) {
        return Optional.of(name.toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  /**
   * The raw query string with the value of every credential parameter replaced by
   * {@value #REDACTED}; other parameters are kept as they were sent. {@code null} stays null.
   */
  public static String redact(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return rawQuery;
    }
    StringJoiner out = new StringJoiner("&");
    for (String pair : AMPERSAND.split(rawQuery, -1)) {
      int eq = pair.indexOf('=');
      String rawName = eq < 0 ? pair : pair.substring(0, eq);
      out.add(isCredential(decodedName(pair)) ? rawName + "=" + REDACTED : pair);
    }
    return out.toString();
  }

  /** True when a raw query string holds a credential parameter. */
  public static boolean anyIn(String rawQuery) {
    return firstIn(rawQuery).isPresent();
  }

  private static String decodedName(String pair) {
    int eq = pair.indexOf('=');
    String rawName = eq < 0 ? pair : pair.substring(0, eq);
    try {
      return URLDecoder.decode(rawName, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // A malformed escape: compare the name as sent.
      return rawName;
    }
  }
}
