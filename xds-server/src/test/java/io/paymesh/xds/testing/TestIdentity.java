package io.paymesh.xds.testing;

import io.paymesh.xds.identity.TlsMaterial;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/** A key and its certificate chain (leaf first), as a workload or a test client holds them. */
public record TestIdentity(PrivateKey key, List<X509Certificate> chain) {
  public TestIdentity {
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /**
   * A key manager that always presents this certificate. The JDK's own would quietly send none
   * when the server's list of accepted issuers does not name this one's; a test of what the server
   * does with a foreign certificate needs it sent.
   */
  public KeyManager keyManager() {
    X509ExtendedKeyManager delegate = (X509ExtendedKeyManager) TlsMaterial.keyManager(key, chain);
    String alias = delegate.getClientAliases(leaf().getPublicKey().getAlgorithm(), null)[0];
    return new X509ExtendedKeyManager() {
      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {alias};
      }

      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return alias;
      }

      @Override
      public String chooseEngineClientAlias(String[] keyType, Principal[] issuers,
          SSLEngine engine) {
        return alias;
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
      }

      @Override
      public X509Certificate[] getCertificateChain(String name) {
        return delegate.getCertificateChain(name);
      }

      @Override
      public PrivateKey getPrivateKey(String name) {
        return delegate.getPrivateKey(name);
      }
    };
  }

  @Override
  public String toString() {
    return "TestIdentity[key=redacted, leaf=" + leaf().getSubjectX500Principal() + "]";
  }
}
