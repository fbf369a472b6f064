package io.paymesh.xds.testing;

import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.InvalidCaException;
import io.paymesh.xds.identity.LocalCa;
import io.paymesh.xds.identity.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

/**
 * A PKI for tests, in a directory of its own: a root and an intermediate workload CA (EC P-256)
 * written as the files {@link CertificateAuthority#load} reads, with both keys kept so tests can
 * also make certificates the CA would never issue (other names, other lifetimes, non-CA
 * "intermediates"). {@link #create} twice gives two unrelated PKIs.
 */
public final class TestPki {
  private static final Duration LIFETIME = Duration.ofDays(365);

  private final Path dir;
  private final KeyPair rootKeys;
  private final X509Certificate root;
  private final KeyPair caKeys;
  private final X509Certificate intermediate;

  private TestPki(Path dir, KeyPair rootKeys, X509Certificate root, KeyPair caKeys,
      X509Certificate intermediate) {
    this.dir = dir;
    this.rootKeys = rootKeys;
    this.root = root;
    this.caKeys = caKeys;
    this.intermediate = intermediate;
  }

  /** A root and intermediate valid from a minute before {@code now} for a year. */
  public static TestPki create(Path dir, String name, Instant now) {
    Instant notBefore = now.minus(Duration.ofMinutes(1));
    Instant notAfter = now.plus(LIFETIME);
    KeyPair rootKeys = Certificates.newP256KeyPair();
    KeyPair caKeys = Certificates.newP256KeyPair();
    X500Name rootName = new X500Name("O=paymesh test,CN=" + name + " root");
    X509Certificate root = LocalCa.caCertificate(rootName, rootKeys.getPrivate(), null, rootName,
        rootKeys.getPublic(), notBefore, notAfter, null);
    X509Certificate intermediate = LocalCa.caCertificate(rootName, rootKeys.getPrivate(), root,
        new X500Name("O=paymesh test,CN=" + name + " workload CA"), caKeys.getPublic(), notBefore,
        notAfter, 0);
    TestPki pki = new TestPki(dir, rootKeys, root, caKeys, intermediate);
    pki.writeCertificates(LocalCa.ROOT_FILE, List.of(root));
    pki.writeCertificates(LocalCa.CA_FILE, List.of(intermediate));
    pki.writeKey(LocalCa.CA_KEY_FILE, caKeys.getPrivate());
    return pki;
  }

  /** The workload CA of this PKI, as the xds-server would load it. */
  public CertificateAuthority loadCa(Clock clock) {
    try {
      return CertificateAuthority.load(signingChainFile(), keyFile(), List.of(bundleFile()),
          clock);
    } catch (InvalidCaException e) {
      throw new IllegalStateException("test PKI does not load: " + e.getMessage(), e);
    }
  }

  public Path dir() {
    return dir;
  }

  public Path signingChainFile() {
    return dir.resolve(LocalCa.CA_FILE);
  }

  public Path keyFile() {
    return dir.resolve(LocalCa.CA_KEY_FILE);
  }

  public Path bundleFile() {
    return dir.resolve(LocalCa.ROOT_FILE);
  }

  public X509Certificate root() {
    return root;
  }

  public PrivateKey rootKey() {
    return rootKeys.getPrivate();
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  public PrivateKey intermediateKey() {
    return caKeys.getPrivate();
  }

  /** Writes certificates as a PEM file in this PKI's directory; returns its path. */
  public Path writeCertificates(String name, List<X509Certificate> certificates) {
    return write(name, Pem.certificatesToPem(certificates));
  }

  /** Writes a PKCS#8 PEM key file in this PKI's directory; returns its path. */
  public Path writeKey(String name, PrivateKey key) {
    return write(name, Pem.privateKeyToPem(key));
  }

  /** Writes any text as a file in this PKI's directory; returns its path. */
  public Path write(String name, String content) {
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(dir);
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** An end-entity certificate signed by this PKI's intermediate, for a new P-256 key. */
  public TestIdentity issue(List<String> uris, Instant notBefore, Instant notAfter) {
    KeyPair keys = Certificates.newP256KeyPair();
    return new TestIdentity(keys.getPrivate(), issue(keys.getPublic(), uris, notBefore, notAfter));
  }

  /**
   * The chain (leaf, intermediate) of an end-entity certificate for {@code key}, such as the key
   * of a CSR, signed by this PKI's intermediate.
   */
  public List<X509Certificate> issue(PublicKey key, List<String> uris, Instant notBefore,
      Instant notAfter) {
    X509Certificate leaf = certificate(intermediate, caKeys.getPrivate(), key,
        new X500Name("O=paymesh test"), uris, notBefore, notAfter, false);
    return List.of(leaf, intermediate);
  }

  /** A client certificate with one SPIFFE ID, valid from a minute ago for an hour. */
  public TestIdentity issue(String spiffeId, Instant now) {
    return issue(List.of(spiffeId), now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1)));
  }

  /**
   * A certificate signed by {@code issuerKey} (subject {@code subject}, the given URI SANs), CA or
   * not. What a CA would normally refuse to make is allowed here.
   */
  public static X509Certificate certificate(X509Certificate issuer, PrivateKey issuerKey,
      PublicKey subjectKey, X500Name subject, List<String> uris, Instant notBefore,
      Instant notAfter, boolean ca) {
    return certificate(issuer, issuerKey, subjectKey, subject, uris, notBefore, notAfter, ca,
        ca ? KeyUsage.keyCertSign | KeyUsage.cRLSign
            : KeyUsage.digitalSignature | KeyUsage.keyAgreement);
  }

  /** As above with the given keyUsage bits ({@link KeyUsage} constants). */
  public static X509Certificate certificate(X509Certificate issuer, PrivateKey issuerKey,
      PublicKey subjectKey, X500Name subject, List<String> uris, Instant notBefore,
      Instant notAfter, boolean ca, int keyUsage) {
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        Certificates.randomSerial(), Date.from(notBefore), Date.from(notAfter), subject,
        subjectKey);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      if (!ca) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      if (!uris.isEmpty()) {
        List<GeneralName> names = new ArrayList<>();
        uris.forEach(uri -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri)));
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Certificates.toX509(builder.build(Certificates.signer(issuerKey)));
  }
}
