package io.paymesh.config.testing;

import io.paymesh.config.store.EtcdTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for an etcd that requires client certificates: a CA, etcd's server certificate
 * for 127.0.0.1, and client certificates whose common name is the etcd user they stand for (etcd
 * takes a client certificate's CN as the user when a request carries no token). Keys are P-256,
 * written as unencrypted PKCS#8 PEM, the form {@link EtcdTls} reads.
 */
public final class EtcdTestPki {
  private static final Duration LIFETIME = Duration.ofDays(1);
  private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

  private final Path dir;
  private final KeyPair caKeys;
  private final X509Certificate ca;

  private EtcdTestPki(Path dir, KeyPair caKeys, X509Certificate ca) {
    this.dir = dir;
    this.caKeys = caKeys;
    this.ca = ca;
  }

  /** A new CA and etcd server certificate, written to {@code dir}. */
  public static EtcdTestPki create(Path dir) {
    KeyPair caKeys = newKeyPair();
    X500Name caName = new X500Name("O=paymesh test,CN=etcd test CA");
    X509Certificate ca = sign(caName, caKeys.getPrivate(), caName, caKeys.getPublic(), true, null);
    EtcdTestPki pki = new EtcdTestPki(dir, caKeys, ca);
    pki.write("ca.pem", pem("CERTIFICATE", encoded(ca)));
    KeyPair serverKeys = newKeyPair();
    // Client use too: etcd 3.4's HTTP gateway dials etcd's own gRPC port with this certificate.
    X509Certificate server = sign(caName, caKeys.getPrivate(),
        new X500Name("O=paymesh test,CN=etcd"), serverKeys.getPublic(), false,
        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    pki.write("etcd.pem", pem("CERTIFICATE", encoded(server)));
    pki.write("etcd-key.pem", pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
    return pki;
  }

  public Path caFile() {
    return dir.resolve("ca.pem");
  }

  public Path serverCertificateFile() {
    return dir.resolve("etcd.pem");
  }

  public Path serverKeyFile() {
    return dir.resolve("etcd-key.pem");
  }

  /**
   * TLS settings of a client whose certificate names {@code commonName}, issued on first use and
   * written as {@code <commonName>.pem} and {@code <commonName>-key.pem}.
   */
  public synchronized EtcdTls client(String commonName) {
    Path certificate = dir.resolve(commonName + ".pem");
    Path key = dir.resolve(commonName + "-key.pem");
    if (!Files.exists(certificate)) {
      KeyPair keys = newKeyPair();
      X509Certificate issued = sign(new X500Name("O=paymesh test,CN=etcd test CA"),
          caKeys.getPrivate(), new X500Name("O=paymesh test,CN=" + commonName), keys.getPublic(),
          false, KeyPurposeId.id_kp_clientAuth);
      write(key.getFileName().toString(), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
      write(certificate.getFileName().toString(), pem("CERTIFICATE", encoded(issued)));
    }
    return EtcdTls.mutual(caFile(), certificate, key);
  }

  /** Server authentication only: the CA, no client certificate. */
  public EtcdTls withoutClientCertificate() {
    return EtcdTls.trusting(caFile());
  }

  public X509Certificate ca() {
    return ca;
  }

  /** A JDK TLS context presenting {@code user}'s client certificate, for etcd's HTTP endpoints. */
  static SSLContext sslContext(EtcdTestPki pki, String user) {
    EtcdTls tls = pki.client(user);
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      X509Certificate certificate;
      try (InputStream in = Files.newInputStream(Path.of(tls.certificate()))) {
        certificate = (X509Certificate) x509.generateCertificate(in);
      }
      String keyPem = Files.readString(Path.of(tls.key()), StandardCharsets.US_ASCII);
      byte[] der = Base64.getMimeDecoder().decode(keyPem
          .replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", ""));
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      char[] password = "test".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("client", key, password, new X509Certificate[] {certificate});
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(keys, password);
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("ca", pki.ca());
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trusted);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the test TLS context", e);
    }
  }

  private void write(String name, String content) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, X500Name subject,
      PublicKey subjectKey, boolean isCa, KeyPurposeId... purposes) {
    Instant now = Instant.now();
    X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(LIFETIME)), subject, subjectKey);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
      if (isCa) {
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true,
            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    } catch (CertIOException | OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
