package io.paymesh.xds.agent;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text of certificates and of the workload's private key, read and written with BouncyCastle.
 * Keys are PKCS#8 ({@code BEGIN PRIVATE KEY}), the one form Envoy, grpc-java's file watcher and
 * Netty all read. Error messages name the kind of object, never the text they were given.
 */
final class Pem {
  private static final JcaX509CertificateConverter CERTIFICATES = new JcaX509CertificateConverter();
  private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

  private Pem() {}

  static String certificates(List<X509Certificate> certificates) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (X509Certificate certificate : certificates) {
        pem.writeObject(certificate);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static String privateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      // No encryptor: the key's protection is its file mode (0600), as for Envoy's own keys.
      pem.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Every certificate in the text, in order; anything else in it is an error. */
  static List<X509Certificate> parseCertificates(String text) throws CertificateException {
    List<X509Certificate> certificates = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (!(o instanceof X509CertificateHolder holder)) {
          throw new CertificateException("expected only certificates, found a "
              + o.getClass().getSimpleName());
        }
        certificates.add(CERTIFICATES.getCertificate(holder));
      }
    } catch (IOException e) {
      // The parser's own message may quote the input; only its type is kept.
      throw new CertificateException(
          "not valid PEM certificates (" + e.getClass().getSimpleName() + ")");
    }
    if (certificates.isEmpty()) {
      throw new CertificateException("no PEM certificate found");
    }
    return certificates;
  }

  /** The one PKCS#8 private key in the text. */
  static PrivateKey parsePrivateKey(String text) throws CertificateException {
    try (PEMParser parser = new PEMParser(new StringReader(text))) {
      Object o = parser.readObject();
      if (!(o instanceof PrivateKeyInfo info) || parser.readObject() != null) {
        throw new CertificateException("expected exactly one PKCS#8 private key");
      }
      return KEYS.getPrivateKey(info);
    } catch (IOException e) {
      // Never e.getMessage(): a parse error could quote key material.
      throw new CertificateException(
          "not a valid PEM private key (" + e.getClass().getSimpleName() + ")");
    }
  }
}
