package io.paymesh.xds.clients;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.xds.testing.ExternalXdsClient;
import io.paymesh.xds.testing.ExternalXdsClient.Family;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test that needs a C-core or grpc-js client fails, with what to install, when the client is
 * not installed: never skipped, never hanging. No xds-server is needed to find that out; the ADS
 * port given is never dialled.
 */
class ExternalXdsClientInstallTest {
  private static final int NO_ADS = 1;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Family.class)
  void clientsDirectoryThatDoesNotExist_failsNamingTheDirectoryAndTheProperty(Family family) {
    Path nowhere = dir.resolve("no-such-clients-dir");

    assertThatThrownBy(() -> ExternalXdsClient.of(family, NO_ADS, "checkout")
            .clientsDir(nowhere).workDir(dir.resolve("work")).start())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no test client program at " + nowhere)
        .hasMessageContaining("-D" + ExternalXdsClient.CLIENTS_DIR_PROPERTY);
  }

  @Test
  void pythonInterpreterThatDoesNotExist_failsWithTheAptHint() {
    assertThatThrownBy(() -> ExternalXdsClient.cCore(NO_ADS, "checkout")
            .python(dir.resolve("no-python3")).workDir(dir.resolve("work")).start())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("apt-get install python3-grpcio");
  }

  @Test
  void pythonWithoutGrpc_failsWithTheAptHint() throws Exception {
    // /usr/bin/python3 without its site directories: 'import grpc' fails as on a machine
    // without python3-grpcio, so the program itself reports it (exit code 3).
    Path python = dir.resolve("python-without-grpc");
    Files.writeString(python, "#!/bin/sh\nexec /usr/bin/python3 -S \"$@\"\n");
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> ExternalXdsClient.cCore(NO_ADS, "checkout")
            .python(python).workDir(dir.resolve("work")).start())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("not installed")
        .hasMessageContaining("apt-get install python3-grpcio")
        .hasMessageContaining("cannot import grpc");
  }

  @Test
  void nodeClientWithoutItsNpmDependencies_failsWithTheNpmCiHint() throws Exception {
    // The real program, in a directory where 'npm ci' never ran.
    Path clients = dir.resolve("clients");
    Files.createDirectories(clients.resolve("node"));
    Path real = Path.of(System.getProperty(ExternalXdsClient.CLIENTS_DIR_PROPERTY,
        "src/test/clients"));
    Files.copy(real.resolve("node/xds_client.js"), clients.resolve("node/xds_client.js"));

    assertThatThrownBy(() -> ExternalXdsClient.grpcJs(NO_ADS, "checkout")
            .clientsDir(clients).workDir(dir.resolve("work")).start())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("npm ci")
        .hasMessageContaining(clients.resolve("node").toString());
  }
}
