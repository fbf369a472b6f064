package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.xds.identity.PeerIdentity;
import io.paymesh.xds.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replica's own server certificate: issued by the mesh CA and renewed at half its life. */
class AdsServerCredentialsTest {
  private static final String SPIFFE_ID = "spiffe://paymesh.local/paymesh/xds-server";

  @TempDir Path dir;

  @Test
  void serverCertificate_namesTheReplica_andIsRenewedAtHalfItsLifetime() throws Exception {
    TestPki pki = TestPki.create(dir, "mesh", Instant.now());
    try (AdsServerCredentials credentials = AdsServerCredentials.start(
        pki.loadCa(Clock.systemUTC()), SPIFFE_ID, List.of("xds-server", "127.0.0.1"),
        Duration.ofSeconds(4))) {
      X509Certificate first = credentials.currentCertificate();
      assertThat(PeerIdentity.spiffeIdOf(first)).contains(SPIFFE_ID);
      assertThat(first.getSubjectAlternativeNames().stream()
              .map(san -> String.valueOf(san.get(1))))
          .contains("xds-server", "127.0.0.1");
      first.verify(pki.intermediate().getPublicKey());
      BigInteger firstSerial = first.getSerialNumber();

      await().atMost(Duration.ofSeconds(10))
          .until(() -> !credentials.currentCertificate().getSerialNumber().equals(firstSerial));
      assertThat(credentials.currentCertificate().getNotAfter()).isAfter(first.getNotAfter());
    }
  }
}
