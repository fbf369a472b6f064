package io.paymesh.xds.identity;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh's workload CA: an intermediate CA certificate and key that operators bring from their
 * PKI, and the trust bundle peers verify against. It signs X.509 SVIDs for workloads' P-256 keys
 * ({@link #signWorkload}) and TLS certificates for the xds-server itself. Thread-safe.
 *
 * <p>Issuance time is recorded in the certificate: notBefore is the issuance second minus
 * {@link #BACKDATE} (for peers whose clocks are a little behind), so {@link #issuedAt} gives it
 * back exactly, to the second, for the revocation rule.
 */
public final class CertificateAuthority {
  /** How far notBefore lies before the issuance second. */
  public static final Duration BACKDATE = Duration.ofMinutes(1);
  private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);

  private final PrivateKey key;
  private final List<X509Certificate> servedChain;
  private final List<X509Certificate> signingChain;
  private final List<X509Certificate> trustBundle;
  private final String trustBundlePem;
  private final Instant validUntil;
  private final Clock clock;

  private CertificateAuthority(CaLoader.Material material, Clock clock) {
    this.key = material.key();
    this.signingChain = material.signingChain();
    this.servedChain = material.servedChain();
    this.trustBundle = material.trustBundle();
    this.trustBundlePem = Pem.certificatesToPem(trustBundle);
    this.validUntil = material.validUntil();
    this.clock = clock;
  }

  /**
   * Loads and validates the CA.
   *
   * @param signingChain PEM: the signing CA certificate first, optionally followed by its issuers
   * @param privateKey PEM: the signing CA's unencrypted EC or RSA key (PKCS#8, SEC1 or PKCS#1)
   * @param trustBundle PEM files, each with one or more CA certificates peers trust; the signing
   *     chain must lead to one of them
   * @throws InvalidCaException naming the file at fault
   */
  public static CertificateAuthority load(Path signingChain, Path privateKey,
      List<Path> trustBundle, Clock clock) throws InvalidCaException {
    Objects.requireNonNull(clock, "clock");
    CaLoader.Material material = CaLoader.load(signingChain, privateKey, List.copyOf(trustBundle),
        clock.instant());
    CertificateAuthority ca = new CertificateAuthority(material, clock);
    LOG.info("Loaded {}", ca);
    return ca;
  }

  /**
   * Checks a workload's CSR and signs an X.509 SVID for its key: {@link #sign} after
   * {@link WorkloadCsr#parse}.
   */
  public IssuedCertificate signWorkload(byte[] csrDer, String spiffeId, Duration lifetime)
      throws InvalidCsrException {
    return sign(WorkloadCsr.parse(csrDer), spiffeId, lifetime);
  }

  /**
   * Signs an X.509 SVID for an already checked request: the only URI SAN is {@code spiffeId}
   * (from the policy, never from the request), valid from the issuance second minus
   * {@link #BACKDATE} until {@code lifetime} after it, or until the CA chain expires if sooner.
   *
   * @throws IllegalStateException if the CA chain has expired
   */
  public IssuedCertificate sign(WorkloadCsr csr, String spiffeId, Duration lifetime) {
    return issue(csr.publicKeyInfo(), spiffeId, List.of(), lifetime);
  }

  /**
   * A new P-256 key pair and a certificate for it, for the xds-server's own TLS: URI SAN
   * {@code spiffeId} plus DNS names and IP addresses clients connect to.
   */
  public ServerCertificate issueServerCertificate(String spiffeId, List<String> dnsNamesOrIps,
      Duration lifetime) {
    KeyPair pair = Certificates.newP256KeyPair();
    IssuedCertificate certificate = issue(
        SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()), spiffeId,
        List.copyOf(dnsNamesOrIps), lifetime);
    return new ServerCertificate(pair.getPrivate(), certificate);
  }

  private IssuedCertificate issue(SubjectPublicKeyInfo subjectKey, String spiffeId,
      List<String> otherNames, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()) {
      throw new IllegalArgumentException("certificate lifetime must be positive: " + lifetime);
    }
    Instant issued = Certificates.wholeSeconds(clock.instant());
    if (!issued.isBefore(validUntil)) {
      throw new IllegalStateException("the CA chain expired at " + validUntil
          + "; load a renewed CA");
    }
    Instant notAfter = issued.plus(lifetime);
    if (notAfter.isAfter(validUntil)) {
      notAfter = validUntil;
    }
    X509Certificate leaf = LeafCertificates.build(signingChain.get(0), key, subjectKey, spiffeId,
        otherNames, issued.minus(BACKDATE), notAfter);
    List<X509Certificate> chain = new ArrayList<>(servedChain.size() + 1);
    chain.add(leaf);
    chain.addAll(servedChain);
    return new IssuedCertificate(chain);
  }

  /**
   * The issuance second of a certificate this CA (or any paymesh CA) signed: its notBefore plus
   * {@link #BACKDATE}. A certificate issued within the second of a revocation counts as issued
   * before it, never after.
   */
  public static Instant issuedAt(X509Certificate certificate) {
    return certificate.getNotBefore().toInstant().plus(BACKDATE);
  }

  /** The signing CA certificate. */
  public X509Certificate signingCertificate() {
    return signingChain.get(0);
  }

  /** When the chain stops being valid: no certificate is valid beyond this instant. */
  public Instant validUntil() {
    return validUntil;
  }

  /** Every CA certificate peers trust, in the order of the bundle files. */
  public List<X509Certificate> trustBundle() {
    return trustBundle;
  }

  public String trustBundlePem() {
    return trustBundlePem;
  }

  @Override
  public String toString() {
    return "CertificateAuthority[" + Certificates.describe(signingCertificate()) + ", "
        + key.getAlgorithm() + " key, valid until " + validUntil + ", chain of "
        + signingChain.size() + ", trust bundle of " + trustBundle.size() + "]";
  }
}
