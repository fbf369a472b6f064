package io.paymesh.xds.agent;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for the agent's tests, made with BouncyCastle: a self-signed CA, and leaves it
 * signs for a workload (SPIFFE URI SAN) or a TLS server (DNS or IP SAN).
 */
final class TestPki {
  private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime());

  /** A CA: its key and self-signed certificate. */
  record Ca(KeyPair keys, X509Certificate certificate) {
    static Ca create(String name) {
      KeyPair keys = WorkloadKeys.newKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("CN=" + name);
      try {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))),
            subject, keys.getPublic())
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
            .addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Ca(keys, sign(builder, keys));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /** A workload certificate for {@code key}, valid from a minute ago for {@code lifetime}. */
    X509Certificate workload(PublicKey key, String spiffeId, Duration lifetime) {
      Instant now = Instant.now();
      return leaf(key, now.minus(Duration.ofMinutes(1)), now.plus(lifetime),
          new GeneralName(GeneralName.uniformResourceIdentifier, spiffeId));
    }

    /** A TLS server certificate naming {@code san} (an IP literal or a DNS name). */
    X509Certificate server(PublicKey key, String san) {
      Instant now = Instant.now();
      int type = Character.isDigit(san.charAt(0)) ? GeneralName.iPAddress : GeneralName.dNSName;
      return leaf(key, now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofDays(1)),
          new GeneralName(type, san));
    }

    private X509Certificate leaf(PublicKey key, Instant notBefore, Instant notAfter,
        GeneralName san) {
      try {
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate,
            serial(), Date.from(notBefore), Date.from(notAfter), new X500Name(""), key)
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
            .addExtension(Extension.subjectAlternativeName, true, new GeneralNames(san));
        return sign(builder, keys);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A workload identity signed by a fresh CA: for tests of the files, not of the CA. */
  static WorkloadIdentity identity(Ca ca, Duration lifetime) {
    KeyPair keys = WorkloadKeys.newKeyPair();
    return new WorkloadIdentity(
        List.of(ca.workload(keys.getPublic(), "spiffe://paymesh.test/svc/checkout", lifetime)),
        keys.getPrivate(), List.of(ca.certificate()));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIALS.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
      throws Exception {
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
  }

  private TestPki() {}
}
