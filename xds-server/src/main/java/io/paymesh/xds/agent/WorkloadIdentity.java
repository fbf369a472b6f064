package io.paymesh.xds.agent;

import io.paymesh.xds.identity.PeerIdentity;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * One issuance: the workload certificate chain (leaf first), its private key and the trust bundle
 * that came with it. What the agent writes together and presents on its next renewal. Its
 * string form names the certificate only; the key never appears in it.
 */
record WorkloadIdentity(
    List<X509Certificate> chain, PrivateKey privateKey, List<X509Certificate> trustBundle) {

  WorkloadIdentity {
    chain = List.copyOf(chain);
    trustBundle = List.copyOf(trustBundle);
    if (chain.isEmpty() || trustBundle.isEmpty()) {
      throw new IllegalArgumentException("an identity needs a certificate and a trust bundle");
    }
  }

  X509Certificate leaf() {
    return chain.get(0);
  }

  Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  String spiffeId() {
    return PeerIdentity.spiffeIdOf(leaf()).orElse("<no SPIFFE ID>");
  }

  String serial() {
    return leaf().getSerialNumber().toString(16);
  }

  @Override
  public String toString() {
    return "WorkloadIdentity[" + spiffeId() + ", serial " + serial() + ", not after " + notAfter()
        + ", " + trustBundle.size() + " trusted CA(s)]";
  }
}
