package io.paymesh.admin.http;

import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.resources.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The reason of a change (header {@value Headers#REASON}, or {@code reason} in a plan, apply or
 * rollback body): how it is decoded and how long it may be. The audit log keeps it verbatim.
 *
 * <p>HTTP header values are bytes; Jetty hands them over as ISO-8859-1 characters, one per byte.
 * A header value is read, in this order, as:
 * <ol>
 *   <li>RFC 8187 extended notation when it starts with {@code UTF-8'} (any case), an optional
 *       language tag and {@code '}: the rest is percent-encoded UTF-8, e.g.
 *       {@code UTF-8''Erstattung%20f%C3%BCr%20%E2%82%AC5}. Malformed escapes or bytes that are
 *       not UTF-8 are a 400;</li>
 *   <li>raw UTF-8 bytes, when the bytes as received are valid UTF-8 (what curl, browsers and most
 *       clients send for a non-ASCII string);</li>
 *   <li>otherwise ISO-8859-1, one character per byte (what HTTP/1.1 historically allowed).</li>
 * </ol>
 * Any reason may have at most {@value #MAX_CODE_POINTS} Unicode code points (an emoji is one) and
 * no control characters (they could forge lines in logs or terminals); either is a 400 naming
 * where the reason came from.
 */
public final class Reasons {

  public static final int MAX_CODE_POINTS = 1024;
  /** The path naming a reason from a request body in error details. */
  public static final String BODY_PATH = "reason";

  private static final String EXTENDED_CHARSET = "UTF-8'";

  private Reasons() {}

  /** The reason carried by one header value as Jetty received it. */
  public static String fromHeader(String received) {
    String decoded = isExtended(received) ? extended(received) : rawBytes(received);
    requireAcceptable(decoded, Headers.REASON);
    return decoded;
  }

  /** Checks a reason that came in a JSON or YAML body (already Unicode). */
  public static void requireAcceptable(String reason, String source) {
    int codePoints = reason.codePointCount(0, reason.length());
    if (codePoints > MAX_CODE_POINTS) {
      throw refused(source, "at most " + MAX_CODE_POINTS + " characters (Unicode code points), got "
          + codePoints);
    }
    if (reason.codePoints().anyMatch(Character::isISOControl)) {
      throw refused(source, "must not contain control characters (line breaks, tabs, ...)");
    }
  }

  private static boolean isExtended(String value) {
    return value.regionMatches(true, 0, EXTENDED_CHARSET, 0, EXTENDED_CHARSET.length());
  }

  /** {@code UTF-8'[language]'percent-encoded}. */
  private static String extended(String value) {
    int languageEnd = value.indexOf('\'', EXTENDED_CHARSET.length());
    if (languageEnd < 0) {
      throw refused(Headers.REASON, "RFC 8187 notation is UTF-8'[language]'<percent-encoded "
          + "UTF-8>, e.g. UTF-8''%E2%82%AC5; the second ' is missing");
    }
    String encoded = value.substring(languageEnd + 1);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        if (i + 2 >= encoded.length() || !isHex(encoded.charAt(i + 1))
            || !isHex(encoded.charAt(i + 2))) {
          throw refused(Headers.REASON, "a % must be followed by two hex digits (RFC 8187)");
        }
        bytes.write(HexFormat.fromHexDigits(encoded, i + 1, i + 3));
        i += 2;
      } else if (c > 0x20 && c < 0x7f) {
        bytes.write(c);
      } else {
        throw refused(Headers.REASON, "in RFC 8187 notation, spaces and non-ASCII characters "
            + "must be percent-encoded");
      }
    }
    return utf8(bytes.toByteArray()).orElseThrow(
        () -> refused(Headers.REASON, "the percent-encoded bytes are not UTF-8"));
  }

  /** Raw header bytes: UTF-8 if they are valid UTF-8, ISO-8859-1 otherwise. */
  private static String rawBytes(String received) {
    if (received.chars().allMatch(c -> c < 0x80)) {
      return received;
    }
    if (received.chars().anyMatch(c -> c > 0xff)) {
      return received; // Already decoded beyond ISO-8859-1: the characters are what was meant.
    }
    return utf8(received.getBytes(StandardCharsets.ISO_8859_1)).orElse(received);
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return Optional.of(chars.toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  private static ApiException refused(String source, String problem) {
    return new ApiException(400, "invalid reason in " + source + ": " + problem,
        List.of(new ErrorDetail(source, problem)));
  }
}
