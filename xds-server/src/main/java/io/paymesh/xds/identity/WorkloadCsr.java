package io.paymesh.xds.identity;

import java.io.IOException;
import java.security.PublicKey;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * A workload's PKCS#10 request, checked: DER, an EC P-256 public key, and a signature that this
 * key verifies (proof that the workload holds the private key). Only the public key is used; the
 * request's subject and requested extensions are ignored, since names come from the policy.
 */
public final class WorkloadCsr {
  /** Far above a P-256 request (~250 bytes); bounds the parser's work on hostile input. */
  public static final int MAX_DER_BYTES = 8 * 1024;
  private static final Map<ASN1ObjectIdentifier, String> KEY_TYPES = Map.of(
      PKCSObjectIdentifiers.rsaEncryption, "RSA",
      X9ObjectIdentifiers.id_dsa, "DSA",
      EdECObjectIdentifiers.id_Ed25519, "Ed25519",
      EdECObjectIdentifiers.id_Ed448, "Ed448");
  private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
      SECObjectIdentifiers.secp384r1, "P-384",
      SECObjectIdentifiers.secp521r1, "P-521",
      SECObjectIdentifiers.secp256k1, "secp256k1");

  private final SubjectPublicKeyInfo publicKeyInfo;
  private final PublicKey publicKey;

  private WorkloadCsr(SubjectPublicKeyInfo publicKeyInfo, PublicKey publicKey) {
    this.publicKeyInfo = publicKeyInfo;
    this.publicKey = publicKey;
  }

  public static WorkloadCsr parse(byte[] der) throws InvalidCsrException {
    if (der == null || der.length == 0) {
      throw new InvalidCsrException("csr_der: required (a DER PKCS#10 request)");
    }
    if (der.length > MAX_DER_BYTES) {
      throw new InvalidCsrException("csr_der: " + der.length + " bytes, at most " + MAX_DER_BYTES
          + " allowed");
    }
    PKCS10CertificationRequest request;
    try {
      request = new PKCS10CertificationRequest(der);
    } catch (IOException | RuntimeException e) {
      throw new InvalidCsrException("csr_der: not a DER PKCS#10 certificate request");
    }
    SubjectPublicKeyInfo info = request.getSubjectPublicKeyInfo();
    requireP256(info);
    PublicKey key;
    try {
      key = new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException | RuntimeException e) {
      throw new InvalidCsrException("csr_der: unreadable public key");
    }
    boolean verified;
    try {
      // Built from the JCA key (not the raw SubjectPublicKeyInfo): the JDK's providers look key
      // factories up by name, not by OID.
      verified = request.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key));
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new InvalidCsrException("csr_der: the request's signature cannot be checked ("
          + request.getSignatureAlgorithm().getAlgorithm() + ")");
    }
    if (!verified) {
      throw new InvalidCsrException("csr_der: the request's signature does not verify with its "
          + "public key (no proof of possession of the private key)");
    }
    return new WorkloadCsr(info, key);
  }

  private static void requireP256(SubjectPublicKeyInfo info) throws InvalidCsrException {
    ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
      throw new InvalidCsrException("csr_der: the key must be EC P-256, got "
          + KEY_TYPES.getOrDefault(algorithm, "key algorithm " + algorithm.getId()));
    }
    ASN1Encodable parameters = info.getAlgorithm().getParameters();
    if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
      throw new InvalidCsrException(
          "csr_der: the key must be EC P-256 as a named curve, got explicit curve parameters");
    }
    if (!SECObjectIdentifiers.secp256r1.equals(curve)) {
      throw new InvalidCsrException("csr_der: the key must be EC P-256, got EC "
          + CURVES.getOrDefault(curve, "curve " + curve.getId()));
    }
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  SubjectPublicKeyInfo publicKeyInfo() {
    return publicKeyInfo;
  }
}
