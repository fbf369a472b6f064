package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.WorkloadBootstrap;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.testing.XdsTestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates that live a few seconds are renewed by the workload agents and picked up by
 * grpc-java's file_watcher on both sides, under a steady stream of RPCs, without a single failed
 * RPC. The server closes every connection after a second, so callers handshake again and again
 * and the renewed certificates really are the ones presented.
 */
class CertificateRotationTest {
  /** Short enough for renewals every couple of seconds (the agent renews at 40-60 %). */
  private static final Duration LIFETIME = Duration.ofSeconds(6);
  private static final Duration CONNECTION_AGE = Duration.ofSeconds(1);
  /** Bounds of the RPC loop: it stops by itself. */
  private static final Duration MAX_RUN = Duration.ofSeconds(60);
  // Sized by time, not count: on an idle machine 20,000 RPCs took 4 s, less than two renewals.
  private static final int MAX_RPCS = 500_000;

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @TempDir Path dir;
  private SecureMesh mesh;

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void renewals_underSteadyTraffic_failNoRpc() throws Exception {
    mesh = SecureMesh.start(ETCD, dir, LIFETIME);
    int port = LoopbackPorts.free();
    mesh.apply(MtlsMeshTest.policy(port));
    SecureMesh.Workload payments = mesh.enrol("payments-v1");
    SecureMesh.Workload checkout = mesh.enrol("checkout");
    XdsTestServer server = mesh.backend("payments-v1", port, XdsTestServer.start(
        "payments-v1-a", port,
        WorkloadBootstrap.of(mesh.adsPort(), "payments-v1", "payments-v1-a", payments.dir()),
        Optional.of(CONNECTION_AGE)));
    XdsTestClient client = mesh.client("checkout", "payments", checkout.dir());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> client.getPayment().equals("payments-v1-a"));
    long clientRenewals = checkout.agent().renewalCount();
    long serverRenewals = payments.agent().renewalCount();

    List<String> failures = new ArrayList<>();
    int rpcs = 0;
    Instant deadline = Instant.now().plus(MAX_RUN);
    while (rpcs < MAX_RPCS && Instant.now().isBefore(deadline)
        && (checkout.agent().renewalCount() < clientRenewals + 2
            || payments.agent().renewalCount() < serverRenewals + 2
            || server.callerSerials().size() < 3)) {
      rpcs++;
      try {
        client.getPayment();
      } catch (StatusRuntimeException e) {
        failures.add(e.getStatus().toString());
      }
    }

    assertThat(failures).as("failed RPCs out of %d", rpcs).isEmpty();
    assertThat(checkout.agent().renewalCount()).isGreaterThanOrEqualTo(clientRenewals + 2);
    assertThat(payments.agent().renewalCount()).isGreaterThanOrEqualTo(serverRenewals + 2);
    // The first certificate and at least two renewals of checkout's were presented to the server.
    assertThat(server.callerSerials()).hasSizeGreaterThanOrEqualTo(3);
  }
}
