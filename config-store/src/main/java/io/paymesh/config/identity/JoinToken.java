package io.paymesh.config.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A one-time join token: 32 random bytes, handed to an operator as URL-safe base64 text (43
 * characters, no padding) and presented once by a workload for its first certificate. The secret
 * leaves this class only through {@link #reveal()}; etcd holds {@link #sha256Hex()}, logs the
 * {@link #fingerprint()}.
 */
public final class JoinToken {
  public static final int BYTES = 32;
  /** Length of the text form: ceil(32 * 4 / 3) characters of unpadded base64. */
  public static final int TEXT_LENGTH = 43;
  private static final int FINGERPRINT_HEX_CHARS = 12;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] secret;
  private final String sha256Hex;

  private JoinToken(byte[] secret) {
    this.secret = secret;
    this.sha256Hex = HexFormat.of().formatHex(sha256(secret));
  }

  /** A new token from {@link SecureRandom}. */
  public static JoinToken generate() {
    byte[] secret = new byte[BYTES];
    RANDOM.nextBytes(secret);
    return new JoinToken(secret);
  }

  /**
   * Reads the text form.
   *
   * @throws IllegalArgumentException with a message that describes the expected form and never
   *     contains {@code text}, which may be a real token with a typo
   */
  public static JoinToken parse(String text) {
    Objects.requireNonNull(text, "join token");
    String expected = "join token: expected " + TEXT_LENGTH
        + " characters of URL-safe base64 (A-Z a-z 0-9 - _) encoding " + BYTES + " bytes";
    if (text.length() != TEXT_LENGTH) {
      throw new IllegalArgumentException(expected + ", got " + text.length() + " characters");
    }
    byte[] secret;
    try {
      secret = DECODER.decode(text);
    } catch (IllegalArgumentException e) {
      // The decoder's message quotes the offending character; not passed on.
      throw new IllegalArgumentException(expected + ", got other characters");
    }
    // Unpadded base64 of 32 bytes leaves 2 spare bits in the last character; the decoder ignores
    // them, so insist on the canonical text and let exactly one text denote a token.
    if (secret.length != BYTES || !MessageDigest.isEqual(
        ENCODER.encode(secret), text.getBytes(StandardCharsets.US_ASCII))) {
      throw new IllegalArgumentException(expected + ", got a non-canonical encoding");
    }
    return new JoinToken(secret);
  }

  /** The secret text to give to the operator, once. Never log it. */
  public String reveal() {
    return ENCODER.encodeToString(secret);
  }

  /** SHA-256 of the 32 bytes, lowercase hex: what etcd stores in the token's key. */
  public String sha256Hex() {
    return sha256Hex;
  }

  /**
   * The first 12 hex characters of {@link #sha256Hex()}: enough to tell tokens apart in logs and
   * find their key in etcd, useless to present as a token.
   */
  public String fingerprint() {
    return sha256Hex.substring(0, FINGERPRINT_HEX_CHARS);
  }

  /** Compares the secrets in constant time. */
  @Override
  public boolean equals(Object other) {
    return other instanceof JoinToken that && MessageDigest.isEqual(secret, that.secret);
  }

  @Override
  public int hashCode() {
    // Derived from the hash, not the secret, so a hash table reveals nothing a log could not.
    return sha256Hex.hashCode();
  }

  @Override
  public String toString() {
    return "JoinToken[redacted, fingerprint=" + fingerprint() + "]";
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform provides SHA-256", e);
    }
  }
}
