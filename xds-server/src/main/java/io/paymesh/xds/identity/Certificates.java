package io.paymesh.xds.identity;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The X.509 plumbing shared by the CA, the local CA generator and test PKIs: key pairs, serial
 * numbers, a signer for an EC or RSA key, and conversion of BouncyCastle holders to JDK
 * certificates (which is what TLS and {@code CertPathValidator} take).
 */
public final class Certificates {
  /** The only workload key type: ECDSA on NIST P-256 (Envoy, grpc-java and SPIRE all take it). */
  public static final String P256 = "secp256r1";
  private static final int SERIAL_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  public static KeyPair newP256KeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(P256), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java 17 platform provides EC P-256", e);
    }
  }

  /** A positive random 128-bit serial number (RFC 5280 allows up to 20 octets). */
  public static BigInteger randomSerial() {
    byte[] bytes = new byte[SERIAL_BYTES];
    BigInteger serial;
    do {
      RANDOM.nextBytes(bytes);
      serial = new BigInteger(1, bytes);
    } while (serial.signum() == 0);
    return serial;
  }

  /** SHA-256 with ECDSA (SHA-384 for a P-384 key) or with RSA, following the signing key. */
  public static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  static String signatureAlgorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> key instanceof ECKey ec && ec.getParams().getOrder().bitLength() > 256
          ? "SHA384withECDSA" : "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new IllegalArgumentException(
          "unsupported CA key algorithm " + key.getAlgorithm() + "; expected EC or RSA");
    };
  }

  /**
   * True if {@code privateKey} makes signatures that {@code publicKey} verifies: works for any
   * stored key form, unlike comparing encodings. Keys of different algorithms are no pair.
   */
  public static boolean isPair(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      String algorithm = signatureAlgorithm(privateKey);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(privateKey);
      sign.update(challenge);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(publicKey);
      verify.update(challenge);
      return verify.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * PKIX validation of {@code path} (leaf or signing CA first, without the anchor) up to one of
   * {@code anchors} (not empty), at {@code at}, without revocation checks; returns the anchor it
   * leads to. The CA checks its own chain with it, the workload agent what the CA issued.
   */
  public static X509Certificate validatePath(List<X509Certificate> path,
      List<X509Certificate> anchors, Instant at) throws CertPathValidatorException {
    Set<TrustAnchor> trustAnchors = anchors.stream().map(c -> new TrustAnchor(c, null))
        .collect(Collectors.toCollection(LinkedHashSet::new));
    try {
      PKIXParameters parameters = new PKIXParameters(trustAnchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      PKIXCertPathValidatorResult result = (PKIXCertPathValidatorResult)
          CertPathValidator.getInstance("PKIX").validate(
              CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
      return result.getTrustAnchor().getTrustedCert();
    } catch (CertPathValidatorException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PKIX validation is unavailable", e);
    }
  }

  public static X509Certificate toX509(X509CertificateHolder holder) {
    try {
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (CertificateException e) {
      throw new IllegalStateException("a certificate just built does not parse", e);
    }
  }

  public static JcaX509ExtensionUtils extensionUtils() {
    try {
      return new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java platform provides SHA-1 for key identifiers", e);
    }
  }

  /** The subject of {@code certificate} as BouncyCastle reads it, byte for byte. */
  public static X500Name subjectOf(X509Certificate certificate) {
    return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
  }

  /** X.509 validity has whole seconds; rounding down keeps "issued after" comparisons safe. */
  public static Instant wholeSeconds(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS);
  }

  /** For error messages: the subject, which is public information, e.g. {@code CN=payments CA}. */
  static String describe(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }
}
