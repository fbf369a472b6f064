package io.paymesh.config.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files of an etcd client's TLS settings. Certificates: one or more {@code
 * CERTIFICATE} blocks. Private keys: one unencrypted PKCS#8 {@code PRIVATE KEY} block (RSA, EC or
 * Ed25519), the form both Netty and etcd's own tooling produce with {@code openssl pkcs8 -topk8
 * -nocrypt}. Every failure is an {@link IllegalArgumentException} naming the file and saying what
 * was expected; none quotes the file's content, which for a key is a secret.
 */
final class PemFiles {
  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final String PKCS8_HINT =
      "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem";
  private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519");
  private static final byte[] PROBE = "paymesh etcd client key check".getBytes(
      StandardCharsets.US_ASCII);

  private PemFiles() {}

  static List<X509Certificate> certificates(Path file) {
    byte[] pem = read(file);
    try {
      List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem)).stream()
          .map(X509Certificate.class::cast).toList();
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----)");
      }
      return certificates;
    } catch (CertificateException e) {
      // The parser's message is not passed on: pointed at a key by mistake, it could quote it.
      throw new IllegalArgumentException(
          file + ": not a PEM certificate file (-----BEGIN CERTIFICATE-----)");
    }
  }

  static PrivateKey privateKey(Path file) {
    String pem = new String(read(file), StandardCharsets.US_ASCII);
    Matcher matcher = PRIVATE_KEY.matcher(pem);
    if (!matcher.find()) {
      throw new IllegalArgumentException(file + ": " + describeOtherKeyForm(pem));
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(matcher.group(1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": the PRIVATE KEY block is not valid base64");
    }
    for (String algorithm : KEY_ALGORITHMS) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException notThisAlgorithm) {
        // tried with the next algorithm; PKCS#8 names it, but KeyFactory wants it up front
      }
    }
    throw new IllegalArgumentException(
        file + ": not an RSA, EC or Ed25519 PKCS#8 private key");
  }

  /** True if {@code key} signs what {@code certificate}'s public key verifies. */
  static boolean matches(PrivateKey key, X509Certificate certificate) {
    PublicKey publicKey = certificate.getPublicKey();
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      default -> key.getAlgorithm();
    };
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // e.g. an EC key against an RSA certificate: the verifier refuses the key type.
      return false;
    }
  }

  private static String describeOtherKeyForm(String pem) {
    if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      return "an encrypted PKCS#8 key; the etcd client key must be unencrypted (protect the file"
          + " with its permissions instead): openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem";
    }
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
      return "a PKCS#1 RSA key; expected PKCS#8 (-----BEGIN PRIVATE KEY-----), " + PKCS8_HINT;
    }
    if (pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
      return "a SEC1 EC key; expected PKCS#8 (-----BEGIN PRIVATE KEY-----), " + PKCS8_HINT;
    }
    return "no PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)";
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(file + ": not readable (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
    }
  }
}
