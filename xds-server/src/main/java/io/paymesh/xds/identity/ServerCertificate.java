package io.paymesh.xds.identity;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;

/**
 * The xds-server's own TLS identity (for ADS and the identity API): a key pair generated in this
 * process and its certificate chain from {@link CertificateAuthority#issueServerCertificate}.
 * The key never leaves memory; {@link #toString()} does not show it.
 */
public final class ServerCertificate {
  private final PrivateKey key;
  private final IssuedCertificate certificate;

  ServerCertificate(PrivateKey key, IssuedCertificate certificate) {
    this.key = Objects.requireNonNull(key, "key");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
  }

  /** Leaf first, then the CA chain up to (not including) a trust anchor. */
  public List<X509Certificate> chain() {
    return certificate.chain();
  }

  public X509Certificate leaf() {
    return certificate.leaf();
  }

  /** For TLS server (and client) credentials. */
  public KeyManager keyManager() {
    return TlsMaterial.keyManager(key, certificate.chain());
  }

  /** The private key itself, for callers that need the JCA object (never log it). */
  public PrivateKey privateKey() {
    return key;
  }

  @Override
  public String toString() {
    // A JDK RSA key's toString prints its private exponent; this one never shows the key.
    return "ServerCertificate[key=redacted, " + certificate + "]";
  }
}
