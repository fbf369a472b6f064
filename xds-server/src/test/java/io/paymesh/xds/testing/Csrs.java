package io.paymesh.xds.testing;

import io.paymesh.xds.identity.Certificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** PKCS#10 requests as a workload agent makes them, and broken ones for negative tests. */
public final class Csrs {
  private Csrs() {}

  /** A DER request for {@code keys}, signed with its own private key. */
  public static byte[] of(KeyPair keys) {
    return signedBy(keys, keys);
  }

  /** A request carrying {@code subject}'s public key but signed with {@code signer}'s key. */
  public static byte[] signedBy(KeyPair subject, KeyPair signer) {
    PKCS10CertificationRequest request = new JcaPKCS10CertificationRequestBuilder(
        new X500Name("CN=workload"), subject.getPublic())
        .build(Certificates.signer(signer.getPrivate()));
    try {
      return request.getEncoded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static KeyPair rsa2048() {
    return generate("RSA", null);
  }

  public static KeyPair ec(String curve) {
    return generate("EC", curve);
  }

  private static KeyPair generate(String algorithm, String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
      if (curve != null) {
        generator.initialize(new ECGenParameterSpec(curve));
      } else {
        generator.initialize(2048);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
