package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.XdsServer;
import io.paymesh.xds.identity.CertificateAuthority;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.TestPki;
import io.paymesh.xds.testing.WorkloadBootstrap;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.testing.XdsTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CA rotation procedure of docs/security.md, steps 1 and 2, with real traffic: while the
 * trust bundle holds the old and the new CA, a workload whose certificate the old CA signed and
 * one whose certificate the new CA signed enrol, get their config and talk over mTLS, each
 * trusting the other's CA through the bundle the identity API handed out.
 */
class CaRotationTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @TempDir Path dir;
  private SecureMesh mesh;

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  @Test
  void workloadsOfTheOldAndTheNewCa_talk_whileTheBundleHoldsBoth() throws Exception {
    mesh = SecureMesh.start(ETCD, dir, Duration.ofHours(1));
    int port = LoopbackPorts.free();
    mesh.apply(MtlsMeshTest.policy(port));
    TestPki oldCa = mesh.pki();
    TestPki newCa = TestPki.create(dir.resolve("new-ca"), "mesh-2027", Instant.now());
    Path bothRoots = dir.resolve("both-roots.pem");
    Files.writeString(bothRoots, Files.readString(oldCa.bundleFile())
        + Files.readString(newCa.bundleFile()));
    List<Path> bundle = List.of(oldCa.bundleFile(), newCa.bundleFile());
    // Step 1: a replica still signing with the old CA, its bundle extended with the new root.
    XdsServer signingOld = mesh.startAnotherReplica(CertificateAuthority.load(
        oldCa.signingChainFile(), oldCa.keyFile(), bundle, Clock.systemUTC()));
    // Step 2: a replica signing with the new CA, the bundle still holding the old root.
    XdsServer signingNew = mesh.startAnotherReplica(CertificateAuthority.load(
        newCa.signingChainFile(), newCa.keyFile(), bundle, Clock.systemUTC()));
    await().atMost(Duration.ofSeconds(10)).until(() ->
        signingOld.policyRevision() > 0 && signingNew.policyRevision() > 0);

    SecureMesh.Workload checkout = mesh.enrol("checkout", signingOld, bothRoots);
    SecureMesh.Workload payments = mesh.enrol("payments-v1", signingNew, bothRoots);

    assertThat(checkout.agent().currentCertificate().getIssuerX500Principal())
        .isEqualTo(oldCa.intermediate().getSubjectX500Principal());
    assertThat(payments.agent().currentCertificate().getIssuerX500Principal())
        .isEqualTo(newCa.intermediate().getSubjectX500Principal());
    assertThat(Files.readString(checkout.dir().resolve("bundle.pem")))
        .isEqualTo(Files.readString(payments.dir().resolve("bundle.pem")));
    XdsTestServer server = mesh.backend("payments-v1", port, XdsTestServer.start("payments-v1-a",
        port, WorkloadBootstrap.of(
            signingNew.adsPort(), "payments-v1", "payments-v1-a", payments.dir())));
    XdsTestClient client = mesh.client("checkout", "payments", checkout.dir(), signingOld);

    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> client.getPayment().equals("payments-v1-a"));
    assertThat(server.callerSerials())
        .contains(checkout.agent().currentCertificate().getSerialNumber());
  }
}
