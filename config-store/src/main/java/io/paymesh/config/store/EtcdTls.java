package io.paymesh.config.store;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * How an etcd client speaks TLS: the CA that signed etcd's server certificate, and optionally the
 * client certificate and key etcd asks for when it runs with {@code --client-cert-auth}. Holds
 * file paths only; the files are read when the settings are checked and when a client is built.
 *
 * @param ca PEM file of the CA certificate(s) that etcd's server certificate chains to; required
 * @param certificate PEM file of this client's certificate (then its intermediates); optional,
 *     but required together with {@code key}
 * @param key PEM file of this client's private key, unencrypted PKCS#8 ({@code -----BEGIN PRIVATE
 *     KEY-----}), RSA, EC or Ed25519
 * @param authority the name to verify in etcd's certificate (and send as the TLS server name)
 *     when it is not the host of the endpoint URLs, e.g. {@code etcd.internal}; optional
 */
public record EtcdTls(String ca, String certificate, String key, String authority) {
  /** Server authentication only: etcd's CA, no client certificate. */
  public static EtcdTls trusting(Path ca) {
    return new EtcdTls(ca.toString(), null, null, null);
  }

  /** etcd's CA, and the client certificate and key for {@code --client-cert-auth}. */
  public static EtcdTls mutual(Path ca, Path certificate, Path key) {
    return new EtcdTls(ca.toString(), certificate.toString(), key.toString(), null);
  }

  public EtcdTls withAuthority(String name) {
    return new EtcdTls(ca, certificate, key, name);
  }

  /** Reports every problem to {@code problems} as (field, message); files are read here. */
  void check(BiConsumer<EtcdSettings.Field, String> problems) {
    if (authority != null && authority.isBlank()) {
      problems.accept(EtcdSettings.Field.TLS_AUTHORITY, "must not be blank (leave it out to "
          + "verify the endpoints' host)");
    }
    if (isBlank(ca)) {
      problems.accept(EtcdSettings.Field.TLS_CA,
          "required: the PEM file of the CA that signed etcd's server certificate");
    } else {
      tryRead(EtcdSettings.Field.TLS_CA, () -> PemFiles.certificates(Path.of(ca)), problems);
    }
    if (isBlank(certificate) != isBlank(key)) {
      problems.accept(isBlank(key) ? EtcdSettings.Field.TLS_KEY : EtcdSettings.Field.TLS_CERTIFICATE,
          isBlank(key) ? "required with a client certificate: the certificate's private key"
              : "required with a client key: the certificate of that key");
      return;
    }
    if (isBlank(certificate)) {
      return;
    }
    List<X509Certificate> chain = tryRead(EtcdSettings.Field.TLS_CERTIFICATE,
        () -> PemFiles.certificates(Path.of(certificate)), problems);
    PrivateKey privateKey =
        tryRead(EtcdSettings.Field.TLS_KEY, () -> PemFiles.privateKey(Path.of(key)), problems);
    if (chain != null && privateKey != null && !PemFiles.matches(privateKey, chain.get(0))) {
      problems.accept(EtcdSettings.Field.TLS_KEY,
          key + ": is not the private key of the first certificate in " + certificate);
    }
  }

  /** The Netty context jetcd's channel uses; call only on settings without problems. */
  SslContext sslContext() {
    SslContextBuilder builder = GrpcSslContexts.forClient()
        .trustManager(PemFiles.certificates(Path.of(ca)).toArray(X509Certificate[]::new));
    if (!isBlank(certificate)) {
      builder.keyManager(PemFiles.privateKey(Path.of(key)),
          PemFiles.certificates(Path.of(certificate)).toArray(X509Certificate[]::new));
    }
    try {
      return builder.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("tls: cannot build a TLS context: " + e.getMessage(), e);
    }
  }

  boolean hasClientCertificate() {
    return !isBlank(certificate);
  }

  private static <T> T tryRead(EtcdSettings.Field field, Supplier<T> read,
      BiConsumer<EtcdSettings.Field, String> problems) {
    try {
      return read.get();
    } catch (IllegalArgumentException e) {
      problems.accept(field, e.getMessage());
      return null;
    }
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
