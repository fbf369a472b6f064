package io.paymesh.xds.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.xds.testing.Csrs;
import io.paymesh.xds.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the CA signs, and the requests it refuses. */
class CertificateAuthoritySignTest {
  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00.750Z");
  private static final Instant SECOND = Instant.parse("2026-12-01T09:00:00Z");
  private static final String CHECKOUT = "spiffe://paymesh.local/ns/payments/sa/checkout";
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir Path dir;
  private TestPki pki;
  private CertificateAuthority ca;

  @BeforeEach
  void setUp() {
    pki = TestPki.create(dir, "mesh", NOW);
    ca = pki.loadCa(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void signWorkload_issuesAnX509SvidForTheRequestKey_withTheNameFromTheCaller() throws Exception {
    KeyPair workload = Certificates.newP256KeyPair();

    IssuedCertificate issued = ca.signWorkload(Csrs.of(workload), CHECKOUT, HOUR);

    X509Certificate leaf = issued.leaf();
    assertThat(leaf.getPublicKey()).isEqualTo(workload.getPublic());
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(6, CHECKOUT));
    assertThat(PeerIdentity.spiffeIdOf(leaf)).contains(CHECKOUT);
    // The request asked for CN=workload; names come from the caller only.
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("O=paymesh");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getCriticalExtensionOIDs()).contains(Extension.basicConstraints.getId(),
        Extension.keyUsage.getId());
    boolean[] usage = leaf.getKeyUsage();
    assertThat(usage[0]).as("digitalSignature").isTrue();
    assertThat(usage[4]).as("keyAgreement").isTrue();
    assertThat(usage[2]).as("keyEncipherment").isFalse();
    assertThat(usage[5]).as("keyCertSign").isFalse();
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getIssuerX500Principal()).isEqualTo(pki.intermediate().getSubjectX500Principal());
    assertThat(issued.chain()).containsExactly(leaf, pki.intermediate());
  }

  @Test
  void signWorkload_validityIsFromTheIssuanceSecondMinusBackdate_forTheLifetime() throws Exception {
    IssuedCertificate issued = ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()), CHECKOUT,
        HOUR);

    assertThat(issued.leaf().getNotBefore().toInstant()).isEqualTo(SECOND.minusSeconds(60));
    assertThat(issued.notAfter()).isEqualTo(SECOND.plus(HOUR));
    assertThat(CertificateAuthority.issuedAt(issued.leaf())).isEqualTo(SECOND);
  }

  @Test
  void signWorkload_lifetimeBeyondTheCa_isCutAtTheCasExpiry() throws Exception {
    IssuedCertificate issued = ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()), CHECKOUT,
        Duration.ofDays(5000));

    assertThat(issued.notAfter()).isEqualTo(pki.intermediate().getNotAfter().toInstant())
        .isEqualTo(ca.validUntil());
  }

  @Test
  void signWorkload_chainValidatesWithPkixAgainstTheBundle() throws Exception {
    IssuedCertificate issued = ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()), CHECKOUT,
        HOUR);
    Set<TrustAnchor> anchors = new HashSet<>();
    ca.trustBundle().forEach(c -> anchors.add(new TrustAnchor(c, null)));
    PKIXParameters parameters = new PKIXParameters(anchors);
    parameters.setRevocationEnabled(false);
    parameters.setDate(Date.from(NOW));

    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(issued.chain()), parameters);

    // The PEM the workload gets reads back to the same chain.
    assertThat(Pem.parseCertificates("response", issued.chainPem())).isEqualTo(issued.chain());
  }

  @Test
  void signWorkload_keyIdentifiersLinkTheLeafToTheCa() throws Exception {
    IssuedCertificate issued = ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()), CHECKOUT,
        HOUR);
    var leaf = new JcaX509CertificateHolder(issued.leaf());
    var intermediate = new JcaX509CertificateHolder(pki.intermediate());

    byte[] authorityKeyId = AuthorityKeyIdentifier.fromExtensions(leaf.getExtensions())
        .getKeyIdentifier();
    byte[] caKeyId = SubjectKeyIdentifier.fromExtensions(intermediate.getExtensions())
        .getKeyIdentifier();
    assertThat(authorityKeyId).isEqualTo(caKeyId);
    assertThat(SubjectKeyIdentifier.fromExtensions(leaf.getExtensions())).isNotNull();
  }

  @Test
  void signWorkload_serialsAreRandom128BitPositiveNumbers() throws Exception {
    List<BigInteger> serials = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      serials.add(ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()), CHECKOUT, HOUR).leaf()
          .getSerialNumber());
    }

    assertThat(new HashSet<>(serials)).hasSize(50);
    assertThat(serials).allMatch(s -> s.signum() > 0 && s.bitLength() <= 128);
    assertThat(serials.stream().mapToInt(BigInteger::bitLength).max().orElseThrow())
        .isGreaterThan(120);
  }

  @Test
  void signWorkload_requestSignedByAnotherKey_isRefused() {
    byte[] csr = Csrs.signedBy(Certificates.newP256KeyPair(), Certificates.newP256KeyPair());

    assertThatThrownBy(() -> ca.signWorkload(csr, CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: the request's signature does not verify with its public key (no "
            + "proof of possession of the private key)");
  }

  @Test
  void signWorkload_requestWithAFlippedSignatureBit_isRefused() {
    byte[] csr = Csrs.of(Certificates.newP256KeyPair());
    // The ECDSA signature's last byte ends the DER encoding.
    csr[csr.length - 1] ^= 0x01;

    assertThatThrownBy(() -> ca.signWorkload(csr, CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessageStartingWith("csr_der: the request's signature");
  }

  @Test
  void signWorkload_rsaKey_isRefused() {
    byte[] csr = Csrs.of(Csrs.rsa2048());

    assertThatThrownBy(() -> ca.signWorkload(csr, CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: the key must be EC P-256, got RSA");
  }

  @Test
  void signWorkload_otherCurves_areRefused() {
    assertThatThrownBy(() -> ca.signWorkload(Csrs.of(Csrs.ec("secp384r1")), CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: the key must be EC P-256, got EC P-384");
  }

  @Test
  void signWorkload_notACsr_isRefused() {
    assertThatThrownBy(() -> ca.signWorkload(new byte[0], CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: required (a DER PKCS#10 request)");
    assertThatThrownBy(() -> ca.signWorkload("hello".getBytes(), CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: not a DER PKCS#10 certificate request");
    byte[] huge = new byte[WorkloadCsr.MAX_DER_BYTES + 1];
    assertThatThrownBy(() -> ca.signWorkload(huge, CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: 8193 bytes, at most 8192 allowed");
    byte[] csr = Csrs.of(Certificates.newP256KeyPair());
    byte[] trailing = Arrays.copyOf(csr, csr.length + 1);
    assertThatThrownBy(() -> ca.signWorkload(trailing, CHECKOUT, HOUR))
        .isInstanceOf(InvalidCsrException.class)
        .hasMessage("csr_der: not a DER PKCS#10 certificate request");
  }

  @Test
  void signWorkload_nameThatIsNotASpiffeId_isRefused() {
    assertThatThrownBy(() -> ca.signWorkload(Csrs.of(Certificates.newP256KeyPair()),
        "https://paymesh.local/checkout", HOUR))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a SPIFFE ID (spiffe://<trust domain>/<path>): https://paymesh.local/checkout");
  }

  @Test
  void signWorkload_afterTheCaExpired_isRefused() throws Exception {
    MovableClock clock = new MovableClock(NOW);
    CertificateAuthority loaded = CertificateAuthority.load(pki.signingChainFile(),
        pki.keyFile(), List.of(pki.bundleFile()), clock);
    clock.set(loaded.validUntil());

    assertThatThrownBy(() -> loaded.signWorkload(Csrs.of(Certificates.newP256KeyPair()),
        CHECKOUT, HOUR))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the CA chain expired at " + loaded.validUntil() + "; load a renewed CA");
  }

  @Test
  void issueServerCertificate_generatesAP256Key_withUriDnsAndIpNames() throws Exception {
    ServerCertificate server = ca.issueServerCertificate("spiffe://paymesh.local/xds-server",
        List.of("xds-server", "127.0.0.1", "::1"), HOUR);

    X509Certificate leaf = server.leaf();
    assertThat(leaf.getSubjectAlternativeNames()).containsExactly(
        List.of(6, "spiffe://paymesh.local/xds-server"), List.of(2, "xds-server"),
        List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    assertThat(leaf.getPublicKey()).isInstanceOfSatisfying(ECPublicKey.class,
        key -> assertThat(key.getParams().getOrder().bitLength()).isEqualTo(256));
    assertThat(Certificates.isPair(server.privateKey(), leaf.getPublicKey())).isTrue();
    assertThat(server.chain()).containsExactly(leaf, pki.intermediate());
    assertThat(server.toString()).contains("key=redacted")
        .doesNotContain(Pem.privateKeyToPem(server.privateKey()).split("\n")[1]);
  }

  private static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
