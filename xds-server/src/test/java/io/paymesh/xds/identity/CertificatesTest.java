package io.paymesh.xds.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.xds.testing.Csrs;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** Key pairs: a private key is told from another by what its signatures verify with. */
class CertificatesTest {

  @Test
  void isPair_tellsAPairFromTwoKeys() {
    KeyPair a = Certificates.newP256KeyPair();
    KeyPair b = Certificates.newP256KeyPair();
    assertThat(Certificates.isPair(a.getPrivate(), a.getPublic())).isTrue();
    assertThat(Certificates.isPair(a.getPrivate(), b.getPublic())).isFalse();
    assertThat(Certificates.isPair(Csrs.rsa2048().getPrivate(), a.getPublic())).isFalse();
  }
}
