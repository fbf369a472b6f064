package io.paymesh.xds.identity;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate the CA signed, with what a peer needs to verify it.
 *
 * @param chain the new certificate first, then the signing CA and its issuers up to (not
 *     including) a certificate of the trust bundle
 */
public record IssuedCertificate(List<X509Certificate> chain) {
  public IssuedCertificate {
    chain = List.copyOf(chain);
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a chain has at least the certificate itself");
    }
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  public String chainPem() {
    return Pem.certificatesToPem(chain);
  }

  @Override
  public String toString() {
    X509Certificate leaf = leaf();
    return "IssuedCertificate[serial=" + leaf.getSerialNumber().toString(16) + ", notAfter="
        + notAfter() + ", chain=" + chain.size() + "]";
  }
}
