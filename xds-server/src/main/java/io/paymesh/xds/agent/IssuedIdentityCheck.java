package io.paymesh.xds.agent;

import io.paymesh.identity.v1.SignResponse;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.identity.PeerIdentity;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.CertPathValidatorException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Checks a CA's answer before anything is written: the certificate is for the key just generated,
 * carries a SPIFFE ID, has not expired, and chains to the trust bundle that came with it. Writing
 * an identity that peers would reject would only replace a working one with a broken one.
 */
final class IssuedIdentityCheck {
  private IssuedIdentityCheck() {}

  static WorkloadIdentity check(SignResponse response, KeyPair keys, Instant now)
      throws IssuanceException {
    List<X509Certificate> chain;
    List<X509Certificate> bundle;
    try {
      chain = Pem.parseCertificates("certificate_chain_pem", response.getCertificateChainPem());
    } catch (IOException e) {
      throw new IssuanceException("the CA's certificate chain is unusable: " + e.getMessage());
    }
    try {
      bundle = Pem.parseCertificates("trust_bundle_pem", response.getTrustBundlePem());
    } catch (IOException e) {
      throw new IssuanceException("the CA's trust bundle is unusable: " + e.getMessage());
    }
    X509Certificate leaf = chain.get(0);
    if (!Certificates.isPair(keys.getPrivate(), leaf.getPublicKey())) {
      throw new IssuanceException("the CA's certificate is not for the key in the CSR");
    }
    if (PeerIdentity.spiffeIdOf(leaf).isEmpty()) {
      throw new IssuanceException("the CA's certificate has no single SPIFFE ID (URI SAN)");
    }
    if (!leaf.getNotAfter().toInstant().isAfter(now)) {
      throw new IssuanceException(
          "the CA's certificate expired at " + leaf.getNotAfter().toInstant());
    }
    verifyChain(chain, bundle, now);
    return new WorkloadIdentity(chain, keys.getPrivate(), bundle);
  }

  private static void verifyChain(List<X509Certificate> chain, List<X509Certificate> bundle,
      Instant now) throws IssuanceException {
    // Validated at notBefore if that is still ahead: the CA's clock may run a little ahead of
    // ours; expiry is checked above against our own clock.
    Instant notBefore = chain.get(0).getNotBefore().toInstant();
    Instant at = notBefore.isAfter(now) ? notBefore : now;
    try {
      Certificates.validatePath(chain, bundle, at);
    } catch (CertPathValidatorException e) {
      throw new IssuanceException("the CA's certificate does not chain to its trust bundle: "
          + e.getMessage());
    }
  }
}
