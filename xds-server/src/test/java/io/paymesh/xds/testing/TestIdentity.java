package io.paymesh.xds.testing;

import io.paymesh.xds.identity.TlsMaterial;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;

/** A key and its certificate chain (leaf first), as a workload or a test client holds them. */
public record TestIdentity(PrivateKey key, List<X509Certificate> chain) {
  public TestIdentity {
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public KeyManager keyManager() {
    return TlsMaterial.keyManager(key, chain);
  }

  @Override
  public String toString() {
    return "TestIdentity[key=redacted, leaf=" + leaf().getSubjectX500Principal() + "]";
  }
}
