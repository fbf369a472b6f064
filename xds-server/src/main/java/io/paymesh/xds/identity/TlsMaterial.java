package io.paymesh.xds.identity;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE key and trust managers from in-memory keys and certificates, for gRPC's
 * {@code TlsServerCredentials} and {@code TlsChannelCredentials}: the private key never has to be
 * written to a file or rendered as PEM text.
 */
public final class TlsMaterial {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TlsMaterial() {}

  /** Presents {@code chain} (leaf first) with its {@code key}. */
  public static KeyManager keyManager(PrivateKey key, List<X509Certificate> chain) {
    try {
      // The store lives only in memory; a random password just satisfies the API.
      byte[] secret = new byte[18];
      RANDOM.nextBytes(secret);
      char[] password = Base64.getEncoder().encodeToString(secret).toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("identity", key, password, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(store, password);
      return factory.getKeyManagers()[0];
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a key manager ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  /** Trusts exactly {@code anchors} (PKIX path validation, no revocation checks). */
  public static TrustManager trustManager(List<X509Certificate> anchors) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      for (int i = 0; i < anchors.size(); i++) {
        store.setCertificateEntry("anchor-" + i, anchors.get(i));
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build a trust manager: " + e.getMessage(), e);
    }
  }
}
