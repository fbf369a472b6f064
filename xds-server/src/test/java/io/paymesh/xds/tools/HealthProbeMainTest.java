package io.paymesh.xds.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.XdsServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The probe scripts/run and the Kubernetes manifests use: its exit code follows the replica's
 * gRPC health (NOT_SERVING until the first snapshot is published), with --live for liveness.
 * Over TLS it is run end to end by scripts/run; here on a plaintext ADS port.
 */
class HealthProbeMainTest {

  @RegisterExtension
  static final EtcdExtension ETCD = new EtcdExtension();

  @Test
  void exitCode_followsTheReplicasHealth() throws Exception {
    ETCD.stop();
    try (XdsServer server = XdsServer.builder(ETCD.client())
        .prefix("/health-probe/")
        .plaintextAds(new InetSocketAddress("127.0.0.1", 0))
        .start()) {
      String address = "127.0.0.1:" + server.plaintextAdsPort();

      assertThat(HealthProbeMain.run("--plaintext", "--address", address))
          .as("no snapshot yet").isEqualTo(HealthProbeMain.EXIT_NOT_SERVING);
      assertThat(HealthProbeMain.run("--plaintext", "--live", "--address", address)).isZero();

      ETCD.start();

      await().atMost(Duration.ofSeconds(30))
          .until(() -> HealthProbeMain.run("--plaintext", "--address", address) == 0);
    } finally {
      if (!ETCD.isRunning()) {
        ETCD.start();
      }
    }
  }

  @Test
  void exitCode_whenNothingListens_isUnreachable() throws Exception {
    String address = "127.0.0.1:" + LoopbackPorts.free();

    assertThat(HealthProbeMain.run("--plaintext", "--live", "--address", address))
        .isEqualTo(HealthProbeMain.EXIT_UNREACHABLE);
  }

  @Test
  void usage_needsExactlyOneOfTrustBundleAndPlaintext() {
    assertThat(HealthProbeMain.run()).isEqualTo(2);
    assertThat(HealthProbeMain.run("--plaintext", "--trust-bundle", "root.pem")).isEqualTo(2);
    assertThat(HealthProbeMain.run("--help")).isZero();
  }
}
