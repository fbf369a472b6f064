package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.xds.identity.Certificates;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

/** The workload's key is ECDSA P-256, and the CSR carries it and is signed by it. */
class WorkloadKeysTest {

  @Test
  void csr_isSignedByTheP256KeyItCarries() throws Exception {
    KeyPair keys = Certificates.newP256KeyPair();
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(WorkloadKeys.csrDer(keys, "checkout"));

    assertThat(((ECPublicKey) keys.getPublic()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm())
        .isEqualTo(X9ObjectIdentifiers.id_ecPublicKey);
    assertThat(ASN1ObjectIdentifier.getInstance(
        csr.getSubjectPublicKeyInfo().getAlgorithm().getParameters()))
        .isEqualTo(SECObjectIdentifiers.secp256r1);
    assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(keys.getPublic().getEncoded());
    assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(keys.getPublic())))
        .isTrue();
    assertThat(csr.getSubject().toString()).isEqualTo("CN=checkout");
  }
}
