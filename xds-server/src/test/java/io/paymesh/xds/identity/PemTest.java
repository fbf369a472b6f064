package io.paymesh.xds.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;

/** PEM text as workloads exchange it: a PKCS#8 key alone, certificates at least one. */
class PemTest {
  private static final KeyPair KEYS = Certificates.newP256KeyPair();

  @Test
  void privateKeyToPem_isPkcs8AndReadsBack() throws Exception {
    String pem = Pem.privateKeyToPem(KEYS.getPrivate());

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Certificates.isPair(Pem.parsePkcs8PrivateKey("key.pem", pem), KEYS.getPublic()))
        .isTrue();
    assertThat(Pem.parsePkcs8PrivateKey("key.pem", pem).getEncoded())
        .isEqualTo(KEYS.getPrivate().getEncoded());
  }

  @Test
  void parsePkcs8PrivateKey_refusesAnythingButOneKey_withoutQuotingIt() throws Exception {
    String pkcs8 = Pem.privateKeyToPem(KEYS.getPrivate());
    StringWriter sec1 = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(sec1)) {
      writer.writeObject(KEYS.getPrivate()); // BEGIN EC PRIVATE KEY
    }
    String base64 = pkcs8.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

    for (String pem : new String[] {"", sec1.toString(), pkcs8 + pkcs8,
        pkcs8.replace(base64, base64.substring(0, 20) + "!" + base64.substring(21))}) {
      assertThatThrownBy(() -> Pem.parsePkcs8PrivateKey("key.pem", pem))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("key.pem: ")
          .hasMessageNotContaining("PRIVATE KEY")
          .hasMessageNotContaining(base64.substring(0, 20));
    }
  }

  @Test
  void parseCertificates_refusesTextWithoutACertificate() {
    assertThatThrownBy(() -> Pem.parseCertificates("trust_bundle_pem", ""))
        .isInstanceOf(IOException.class)
        .hasMessage("trust_bundle_pem: no PEM CERTIFICATE block");
  }
}
