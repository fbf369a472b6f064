package io.paymesh.xds.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaMainTest {
  @TempDir Path dir;

  @Test
  void run_writesARootAndAWorkloadCaThatLoad_withTheKeyReadableByTheOwnerOnly() throws Exception {
    Path out = dir.resolve("ca");

    int exit = LocalCaMain.run("--dir", out.toString(), "--ca-days", "30");

    assertThat(exit).isZero();
    Path key = out.resolve("ca-key.pem");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
    CertificateAuthority ca = CertificateAuthority.load(out.resolve("ca.pem"), key,
        List.of(out.resolve("root.pem")), Clock.systemUTC());
    X509Certificate root = ca.trustBundle().get(0);
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=paymesh local root,O=paymesh");
    assertThat(ca.signingCertificate().getSubjectX500Principal().getName())
        .isEqualTo("CN=paymesh local workload CA,O=paymesh");
    assertThat(ca.signingCertificate().getBasicConstraints()).isZero();
    assertThat(ca.validUntil()).isBetween(Instant.now().plus(Duration.ofDays(29)),
        Instant.now().plus(Duration.ofDays(31)));
  }

  @Test
  void run_intoADirectoryWithACa_refusesAndChangesNothing() throws Exception {
    assertThat(LocalCaMain.run("--dir", dir.toString())).isZero();
    String before = Files.readString(dir.resolve("ca.pem"));
    Files.delete(dir.resolve("ca-key.pem"));

    int exit = LocalCaMain.run("--dir", dir.toString());

    assertThat(exit).isEqualTo(LocalCaMain.EXIT_EXISTS);
    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(before);
    assertThat(dir.resolve("ca-key.pem")).doesNotExist();
  }

  @Test
  void run_withoutDir_isAUsageError() {
    assertThat(LocalCaMain.run()).isEqualTo(2);
  }
}
