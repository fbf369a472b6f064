package io.paymesh.config.idempotency;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a write promises to record when it commits: that {@code caller} made the request
 * {@code fingerprint} under {@code key}. The record is written in the write's own etcd transaction,
 * on condition that none exists yet for this caller and key, so a key applies at most one write.
 *
 * @param caller the authenticated principal (a token's name); keys of different callers never meet
 * @param key the client's Idempotency-Key, see {@link #KEY_PATTERN}
 * @param fingerprint a digest of everything that makes the request what it is (method, path,
 *     query, body, precondition and reason headers); a retry must carry the same
 * @param request method and path of the request (no query string, which could hold anything), to
 *     name the original request when a key is reused for another one
 */
public record IdempotencyClaim(String caller, String key, String fingerprint, String request) {
  /** The longest key accepted: room for a UUID or a ULID with a prefix, not for a payload. */
  public static final int MAX_KEY_LENGTH = 128;
  /** Letters, digits, {@code - _ . :}: safe in a log line, a header and an error message. */
  public static final Pattern KEY_PATTERN = Pattern.compile("[A-Za-z0-9_.:-]{1," + MAX_KEY_LENGTH + "}");

  public IdempotencyClaim {
    requireText(caller, "caller");
    requireValidKey(key);
    requireText(fingerprint, "fingerprint");
    requireText(request, "request");
  }

  /** @throws IllegalArgumentException naming what is wrong, without echoing the value */
  public static String requireValidKey(String key) {
    if (key == null || !KEY_PATTERN.matcher(key).matches()) {
      throw new IllegalArgumentException("idempotency key: must be 1 to " + MAX_KEY_LENGTH
          + " characters of A-Z a-z 0-9 - _ . :");
    }
    return key;
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }
}
