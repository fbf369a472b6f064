package io.paymesh.admin.auth;

import io.dropwizard.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Turns a bearer token into a principal by hashing it and comparing the hash with every
 * configured one. The comparison is constant-time and always visits every entry, so response
 * timing tells an attacker neither how much of a hash matched nor which entry did.
 */
public final class TokenAuthenticator implements Authenticator<String, AdminPrincipal> {

  private record Entry(byte[] hash, AdminPrincipal principal) {}

  private final List<Entry> entries;

  public TokenAuthenticator(List<TokenConfiguration> tokens) {
    this.entries =
        tokens.stream()
            .map(t -> new Entry(HexFormat.of().parseHex(t.sha256()), new AdminPrincipal(t.name(), t.roles())))
            .toList();
  }

  @Override
  public Optional<AdminPrincipal> authenticate(String token) {
    byte[] presented = sha256(token);
    AdminPrincipal match = null;
    for (Entry entry : entries) {
      if (MessageDigest.isEqual(entry.hash(), presented) && match == null) {
        match = entry.principal();
      }
    }
    return Optional.ofNullable(match);
  }

  static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
