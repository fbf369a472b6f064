package io.paymesh.xds.agent;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.translate.XdsNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Reads the identity directory the way its consumers do, through the stable names, for tests.
 * {@link #readPair} follows Envoy's rule for a watched directory: read cert, key, then cert again,
 * and trust the pair only if the certificate did not change in between.
 */
final class IdentityFiles {
  /** A cert.pem/key.pem pair read without the certificate changing under it. */
  record Pair(String certPem, String keyPem) {
    X509Certificate leaf() throws IOException {
      return Pem.parseCertificates(XdsNames.IDENTITY_CERT_FILE, certPem).get(0);
    }

    boolean keyMatchesCertificate() throws IOException {
      return Certificates.isPair(Pem.parsePkcs8PrivateKey(XdsNames.IDENTITY_KEY_FILE, keyPem),
          leaf().getPublicKey());
    }

    @Override
    public String toString() {
      return "Pair[certificate of " + certPem.length() + " chars, key not shown]";
    }
  }

  private IdentityFiles() {}

  /** Empty if the files are missing or were swapped mid-read (a reader would simply retry). */
  static Optional<Pair> readPair(Path dir) throws IOException {
    try {
      String cert = Files.readString(dir.resolve(XdsNames.IDENTITY_CERT_FILE), US_ASCII);
      String key = Files.readString(dir.resolve(XdsNames.IDENTITY_KEY_FILE), US_ASCII);
      String again = Files.readString(dir.resolve(XdsNames.IDENTITY_CERT_FILE), US_ASCII);
      return cert.equals(again) ? Optional.of(new Pair(cert, key)) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty(); // before the first write, or the old generation just went away
    }
  }

  static X509Certificate certificate(Path dir) throws IOException {
    return Pem.readCertificates(dir.resolve(XdsNames.IDENTITY_CERT_FILE)).get(0);
  }
}
