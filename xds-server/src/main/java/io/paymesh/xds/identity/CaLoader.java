package io.paymesh.xds.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the CA's files and refuses them unless they make a working CA at {@code now}: the signing
 * certificate is a CA that may sign certificates, the key is its key, the chain file is in issuing
 * order, and the chain validates (PKIX) against the trust bundle. Every error names its file.
 */
final class CaLoader {
  private static final int KEY_CERT_SIGN = 5;

  private CaLoader() {}

  /** What {@link #load} found valid. */
  record Material(PrivateKey key, List<X509Certificate> signingChain,
      List<X509Certificate> servedChain, List<X509Certificate> trustBundle, Instant validUntil) {}

  static Material load(Path chainFile, Path keyFile, List<Path> bundleFiles, Instant now)
      throws InvalidCaException {
    if (bundleFiles.isEmpty()) {
      throw new InvalidCaException("trust bundle: at least one PEM file is required");
    }
    List<X509Certificate> chain = certificates(chainFile);
    PrivateKey key = privateKey(keyFile);
    List<X509Certificate> bundle = new ArrayList<>();
    for (Path file : bundleFiles) {
      List<X509Certificate> certificates = certificates(file);
      for (int i = 0; i < certificates.size(); i++) {
        requireCurrent(file, i, certificates.get(i), now);
        requireCa(file, i, certificates.get(i));
      }
      bundle.addAll(certificates);
    }
    for (int i = 0; i < chain.size(); i++) {
      requireCurrent(chainFile, i, chain.get(i), now);
    }
    X509Certificate signing = chain.get(0);
    requireCa(chainFile, 0, signing);
    try {
      Certificates.signatureAlgorithm(key);
    } catch (IllegalArgumentException e) {
      throw new InvalidCaException(keyFile + ": " + e.getMessage());
    }
    if (!Certificates.isPair(key, signing.getPublicKey())) {
      throw new InvalidCaException(keyFile + ": the private key (" + key.getAlgorithm()
          + ") does not match certificate 1 of " + chainFile + " ("
          + Certificates.describe(signing) + ", " + signing.getPublicKey().getAlgorithm() + ")");
    }
    requireIssuingOrder(chainFile, chain);
    List<X509Certificate> served = new ArrayList<>();
    for (X509Certificate certificate : chain) {
      if (bundle.contains(certificate)) {
        break;
      }
      served.add(certificate);
    }
    Instant validUntil = chain.stream().map(c -> c.getNotAfter().toInstant())
        .min(Instant::compareTo).orElseThrow();
    if (!served.isEmpty()) {
      X509Certificate anchor = validate(chainFile, bundleFiles, served, bundle, now);
      if (anchor.getNotAfter().toInstant().isBefore(validUntil)) {
        validUntil = anchor.getNotAfter().toInstant();
      }
    }
    return new Material(key, List.copyOf(chain), List.copyOf(served), List.copyOf(bundle),
        validUntil);
  }

  private static List<X509Certificate> certificates(Path file) throws InvalidCaException {
    try {
      return Pem.readCertificates(file);
    } catch (IOException e) {
      throw new InvalidCaException(e.getMessage());
    }
  }

  private static PrivateKey privateKey(Path file) throws InvalidCaException {
    try {
      return Pem.readPrivateKey(file);
    } catch (IOException e) {
      throw new InvalidCaException(e.getMessage());
    }
  }

  private static void requireCurrent(Path file, int index, X509Certificate certificate,
      Instant now) throws InvalidCaException {
    try {
      certificate.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new InvalidCaException(file + ": certificate " + (index + 1) + " ("
          + Certificates.describe(certificate) + ") expired at "
          + certificate.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new InvalidCaException(file + ": certificate " + (index + 1) + " ("
          + Certificates.describe(certificate) + ") is not valid before "
          + certificate.getNotBefore().toInstant());
    }
  }

  private static void requireCa(Path file, int index, X509Certificate certificate)
      throws InvalidCaException {
    String which = file + ": certificate " + (index + 1) + " (" + Certificates.describe(certificate)
        + ")";
    if (certificate.getBasicConstraints() < 0) {
      throw new InvalidCaException(which + " is not a CA certificate (basicConstraints CA:TRUE "
          + "missing)");
    }
    boolean[] usage = certificate.getKeyUsage();
    if (usage == null || usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN]) {
      throw new InvalidCaException(which + " may not sign certificates (keyUsage keyCertSign "
          + "missing)");
    }
  }

  /** Certificate i must be issued (and signed) by certificate i + 1. */
  private static void requireIssuingOrder(Path file, List<X509Certificate> chain)
      throws InvalidCaException {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate child = chain.get(i);
      X509Certificate parent = chain.get(i + 1);
      boolean issued = child.getIssuerX500Principal().equals(parent.getSubjectX500Principal());
      if (issued) {
        try {
          child.verify(parent.getPublicKey());
        } catch (GeneralSecurityException e) {
          issued = false;
        }
      }
      if (!issued) {
        throw new InvalidCaException(file + ": certificate " + (i + 2) + " ("
            + Certificates.describe(parent) + ") did not issue certificate " + (i + 1) + " ("
            + Certificates.describe(child) + "); list the signing CA certificate first, then "
            + "each issuer in order");
      }
    }
  }

  /** PKIX validation of the chain up to the bundle; returns the anchor it leads to. */
  private static X509Certificate validate(Path chainFile, List<Path> bundleFiles,
      List<X509Certificate> path, List<X509Certificate> bundle, Instant now)
      throws InvalidCaException {
    try {
      return Certificates.validatePath(path, bundle, now);
    } catch (CertPathValidatorException e) {
      throw new InvalidCaException(chainFile + ": the signing chain ("
          + path.stream().map(Certificates::describe).collect(Collectors.joining(", issued by "))
          + ") does not lead to a certificate of the trust bundle (" + bundleFiles.stream()
          .map(Path::toString).collect(Collectors.joining(", ")) + "): " + e.getMessage());
    }
  }
}
