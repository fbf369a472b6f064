package io.paymesh.xds.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * A throwaway PKI for development and the demo mesh: a self-signed root and an intermediate
 * workload CA under it, both EC P-256. Only the intermediate's key is kept; the root's key is
 * discarded once it has signed the intermediate, so the root can sign nothing else.
 */
public final class LocalCa {
  public static final String ROOT_FILE = "root.pem";
  public static final String CA_FILE = "ca.pem";
  public static final String CA_KEY_FILE = "ca-key.pem";

  private final X509Certificate root;
  private final X509Certificate intermediate;
  private final PrivateKey intermediateKey;

  private LocalCa(X509Certificate root, X509Certificate intermediate, PrivateKey intermediateKey) {
    this.root = root;
    this.intermediate = intermediate;
    this.intermediateKey = intermediateKey;
  }

  /**
   * @param name common-name stem, e.g. {@code paymesh local} gives "paymesh local root" and
   *     "paymesh local workload CA"
   * @param intermediateLifetime capped at {@code rootLifetime}
   */
  public static LocalCa generate(String name, Duration rootLifetime, Duration intermediateLifetime,
      Clock clock) {
    Instant now = Certificates.wholeSeconds(clock.instant());
    Instant notBefore = now.minus(CertificateAuthority.BACKDATE);
    Instant rootNotAfter = now.plus(rootLifetime);
    Instant caNotAfter = now.plus(intermediateLifetime);
    if (caNotAfter.isAfter(rootNotAfter)) {
      caNotAfter = rootNotAfter;
    }
    KeyPair rootKeys = Certificates.newP256KeyPair();
    KeyPair caKeys = Certificates.newP256KeyPair();
    X500Name rootName = name(name + " root");
    X509Certificate root = caCertificate(rootName, rootKeys.getPrivate(), null, rootName,
        rootKeys.getPublic(), notBefore, rootNotAfter, null);
    X509Certificate intermediate = caCertificate(rootName, rootKeys.getPrivate(), root,
        name(name + " workload CA"), caKeys.getPublic(), notBefore, caNotAfter, 0);
    return new LocalCa(root, intermediate, caKeys.getPrivate());
  }

  /**
   * A CA certificate; self-signed when {@code issuer} is null.
   *
   * @param pathLength null for no limit
   */
  public static X509Certificate caCertificate(X500Name issuerName, PrivateKey issuerKey,
      X509Certificate issuer, X500Name subject, PublicKey subjectKey, Instant notBefore,
      Instant notAfter, Integer pathLength) {
    JcaX509ExtensionUtils utils = Certificates.extensionUtils();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
        Certificates.randomSerial(), Date.from(notBefore), Date.from(notAfter), subject,
        subjectKey);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, pathLength == null
              ? new BasicConstraints(true) : new BasicConstraints(pathLength))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(subjectKey))
          .addExtension(Extension.authorityKeyIdentifier, false, issuer == null
              ? utils.createAuthorityKeyIdentifier(subjectKey)
              : utils.createAuthorityKeyIdentifier(issuer));
    } catch (IOException e) {
      throw new UncheckedIOException("encoding certificate extensions in memory failed", e);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("the issuer certificate does not encode", e);
    }
    return Certificates.toX509(builder.build(Certificates.signer(issuerKey)));
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "paymesh")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  /**
   * Writes {@value #ROOT_FILE} (the trust bundle), {@value #CA_FILE} (the signing chain) and
   * {@value #CA_KEY_FILE} (mode 0600) into {@code dir}, creating it if needed.
   *
   * @throws FileAlreadyExistsException if any of the three exists; then nothing is written
   */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String file : List.of(ROOT_FILE, CA_FILE, CA_KEY_FILE)) {
      if (Files.exists(dir.resolve(file))) {
        throw new FileAlreadyExistsException(dir.resolve(file).toString(), null,
            "refusing to overwrite an existing CA file");
      }
    }
    // The key first: if it cannot be written, no certificate without its key is left behind.
    Pem.writeNew(dir.resolve(CA_KEY_FILE), Pem.privateKeyToPem(intermediateKey), true);
    Pem.writeNew(dir.resolve(CA_FILE), Pem.certificatesToPem(List.of(intermediate)), false);
    Pem.writeNew(dir.resolve(ROOT_FILE), Pem.certificatesToPem(List.of(root)), false);
  }

  @Override
  public String toString() {
    return "LocalCa[root=" + Certificates.describe(root) + ", intermediate="
        + Certificates.describe(intermediate) + ", key=redacted]";
  }
}
