package io.paymesh.xds.agent;

import io.paymesh.xds.identity.Certificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The PKCS#10 request that proves the workload holds its key. The key is a fresh ECDSA P-256 pair
 * per certificate ({@link Certificates#newP256KeyPair}); it stays in this process and its 0600
 * file, and {@link Certificates#isPair} tells whether a stored key belongs to a certificate.
 */
final class WorkloadKeys {
  private WorkloadKeys() {}

  /**
   * A CSR for the key pair, DER, signed with SHA256withECDSA. The CA takes only its public key and
   * signature; the subject (CN=service) is a hint for a human reading a CA log, not a claim.
   */
  static byte[] csrDer(KeyPair keys, String service) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, service).build();
    try {
      return new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic())
          .build(Certificates.signer(keys.getPrivate()))
          .getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
