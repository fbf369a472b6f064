package io.paymesh.xds.identity;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Builds the end-entity certificates of the mesh (X.509 SVIDs): subject {@code O=paymesh}, one
 * URI SAN (the SPIFFE ID) plus, for servers, DNS and IP SANs; CA:false; digitalSignature and
 * keyAgreement (EC keys); serverAuth and clientAuth, since every workload is both.
 */
final class LeafCertificates {
  static final X500Name SUBJECT = new X500Name("O=paymesh");

  private LeafCertificates() {}

  static X509Certificate build(X509Certificate issuer, PrivateKey issuerKey,
      SubjectPublicKeyInfo subjectKey, String spiffeId, List<String> dnsNamesOrIps,
      Instant notBefore, Instant notAfter) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, requireSpiffeId(spiffeId)));
    for (String name : dnsNamesOrIps) {
      names.add(InetAddresses.isInetAddress(name)
          ? new GeneralName(GeneralName.iPAddress, name)
          : new GeneralName(GeneralName.dNSName, requireDnsName(name)));
    }
    JcaX509ExtensionUtils utils = Certificates.extensionUtils();
    X509v3CertificateBuilder builder = new X509v3CertificateBuilder(
        Certificates.subjectOf(issuer), Certificates.randomSerial(), Date.from(notBefore),
        Date.from(notAfter), SUBJECT, subjectKey);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          .addExtension(Extension.subjectAlternativeName, false,
              new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false,
              utils.createSubjectKeyIdentifier(subjectKey))
          .addExtension(Extension.authorityKeyIdentifier, false,
              utils.createAuthorityKeyIdentifier(issuer));
    } catch (IOException e) {
      throw new UncheckedIOException("encoding certificate extensions in memory failed", e);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("the CA certificate does not encode", e);
    }
    return Certificates.toX509(builder.build(Certificates.signer(issuerKey)));
  }

  /** {@code spiffe://<trust domain>/<path>}, nothing else (RFC-style SPIFFE ID). */
  static String requireSpiffeId(String spiffeId) {
    try {
      URI uri = new URI(spiffeId);
      if ("spiffe".equals(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null
          && uri.getPort() == -1 && uri.getRawPath() != null && uri.getRawPath().length() > 1
          && uri.getRawQuery() == null && uri.getRawFragment() == null) {
        return spiffeId;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new IllegalArgumentException("not a SPIFFE ID (spiffe://<trust domain>/<path>): "
        + spiffeId);
  }

  private static String requireDnsName(String name) {
    if (!name.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
      throw new IllegalArgumentException("not a DNS name or IP address: " + name);
    }
    return name;
  }
}
