package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.ClientCalls;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.LoopbackPorts;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.SecureMesh;
import io.paymesh.xds.testing.TestIdentity;
import io.paymesh.xds.testing.TestPki;
import io.paymesh.xds.testing.WorkloadBootstrap;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.testing.XdsTestServer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * mTLS between workloads with real parts: a real etcd, an xds-server with its CA, workload agents
 * that enrol with join tokens, proxyless grpc-java clients and a proxyless grpc-java server
 * ({@code XdsServerBuilder}) that take their TLS, SAN checks and RBAC from xDS, and real RPCs on
 * loopback. The server's RBAC admits checkout and nobody else.
 */
class MtlsMeshTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  @TempDir Path dir;
  private SecureMesh mesh;
  private int paymentsPort;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = SecureMesh.start(ETCD, dir, Duration.ofHours(1));
    paymentsPort = LoopbackPorts.free();
    mesh.apply(policy(paymentsPort));
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  static String policy(int paymentsPort) {
    return policy(paymentsPort, "CDE");
  }

  /** The policy with payments-v1 in PCI scope {@code paymentsScope}. */
  static String policy(int paymentsPort, String paymentsScope) {
    return """
        kind: Service
        name: checkout
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: %2$s
          pciScope: CONNECTED
          dependencies: [payments, payments-v1]
        ---
        kind: Service
        name: reporting
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: %3$s
          pciScope: NONE
          dependencies: [payments, payments-v1]
        ---
        kind: Service
        name: ledger
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: %4$s
          pciScope: CDE
          dependencies: []
        ---
        kind: Service
        name: payments-v1
        spec:
          ports: [{name: grpc, port: %1$d, targetPort: %1$d, protocol: GRPC}]
          identity: %5$s
          pciScope: %6$s
          dependencies: []
        ---
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: reads
              match: {path: {prefix: /}}
              destination: {target: payments-v1}
              operation: READ
              timeout: 3s
        ---
        kind: AuthorizationPolicy
        name: payments-v1-callers
        spec:
          service: payments-v1
          mode: ENFORCE
          rules:
            - name: checkout
              callers: [checkout]
              to: [{methods: [POST], paths: [{prefix: /payments.v1.Payments/}]}]
        """.formatted(paymentsPort, SecureMesh.identityOf("checkout"),
        SecureMesh.identityOf("reporting"), SecureMesh.identityOf("ledger"),
        SecureMesh.identityOf("payments-v1"), paymentsScope);
  }

  @Test
  void allowedCaller_reachesTheCdeServiceOverMtls() throws Exception {
    XdsTestServer payments = startPayments(mesh.enrol("payments-v1").dir());
    XdsTestClient checkout = mesh.client("checkout", "payments", mesh.enrol("checkout").dir());

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(checkout.getPayment()).isEqualTo("payments-v1-a"));
    for (int i = 0; i < 20; i++) {
      assertThat(checkout.getPayment()).isEqualTo("payments-v1-a");
    }
    assertThat(payments.calls()).isGreaterThanOrEqualTo(21);
  }

  @Test
  void etcd_afterEnrolmentsAndTraffic_holdsNoKeyAndNoToken() throws Exception {
    String unused = mesh.joinToken("ledger");
    startPayments(mesh.enrol("payments-v1").dir());
    XdsTestClient checkout = mesh.client("checkout", "payments", mesh.enrol("checkout").dir());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(checkout.getPayment()).isEqualTo("payments-v1-a"));

    String everything = mesh.etcdDump();

    assertThat(everything).contains(mesh.prefix() + "identity/join-tokens/")
        .doesNotContain("PRIVATE KEY").doesNotContain(unused);
  }

  @Test
  void callerThatNoPolicyAllows_getsPermissionDenied() throws Exception {
    XdsTestServer payments = startPayments(mesh.enrol("payments-v1").dir());
    XdsTestClient reporting = mesh.client("reporting", "payments", mesh.enrol("reporting").dir());

    // The TLS handshake succeeds (reporting has a mesh certificate); the server's RBAC refuses.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThatThrownBy(reporting::getPayment)
            .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED)));
    assertThat(payments.calls()).isZero();
  }

  @Test
  void callerWithoutCertificate_orWithAnotherCasCertificate_cannotConnect() throws Exception {
    XdsTestServer payments = startPayments(mesh.enrol("payments-v1").dir());
    XdsTestClient checkout = mesh.client("checkout", "payments", mesh.enrol("checkout").dir());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(checkout.getPayment()).isEqualTo("payments-v1-a"));
    int served = payments.calls();

    // The control: checkout's identity from the mesh CA, presented directly, is served.
    TestIdentity meshCheckout = mesh.pki().issue(SecureMesh.identityOf("checkout"), Instant.now());
    assertThat(callDirectly(presenting(meshCheckout))).isEqualTo(Status.Code.OK);
    served++;

    assertThat(callDirectly(InsecureChannelCredentials.create()))
        .as("plaintext").isEqualTo(Status.Code.UNAVAILABLE);
    TestPki other = TestPki.create(dir.resolve("other-ca"), "other", Instant.now());
    TestIdentity stranger = other.issue(SecureMesh.identityOf("checkout"), Instant.now());
    assertThat(callDirectly(presenting(stranger)))
        .as("a certificate of another CA, though it names checkout")
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(payments.calls()).isEqualTo(served);
  }

  @Test
  void serverPresentingAnotherServicesCertificate_isRefusedByTheCaller() throws Exception {
    // Out of the CDE, so the Gate's invariant 7 is not what stops the call: the caller's own
    // check of the callee's SPIFFE ID (from the cluster's TLS) must.
    mesh.apply(policy(paymentsPort, "CONNECTED"));
    // payments-v1's server gets its config as payments-v1 but presents ledger's certificate to
    // its callers: a valid mesh certificate with the wrong SPIFFE ID.
    Path payments = mesh.enrol("payments-v1").dir();
    Path ledger = mesh.enrol("ledger").dir();
    XdsTestServer impostor = mesh.backend("payments-v1", paymentsPort, XdsTestServer.start(
        "payments-v1-a", paymentsPort, WorkloadBootstrap.of(
            mesh.adsPort(), "payments-v1", "payments-v1-a", payments, ledger)));
    XdsTestClient checkout = mesh.client("checkout", "payments", mesh.enrol("checkout").dir());

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThatThrownBy(checkout::getPayment)
            .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE)));
    assertThat(impostor.calls()).isZero();
    assertThat(mesh.server().publisher().failingGroups()).as("every group's config was pushed")
        .isEmpty();
  }

  @Test
  void expiredCertificate_isRefused() throws Exception {
    startPayments(mesh.enrol("payments-v1").dir());
    Instant longAgo = Instant.now().minus(Duration.ofDays(2));
    TestIdentity expired = mesh.pki().issue(
        List.of(SecureMesh.identityOf("checkout")), longAgo,
        longAgo.plus(Duration.ofHours(1)));
    TestIdentity valid = mesh.pki().issue(SecureMesh.identityOf("checkout"), Instant.now());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(callDirectly(presenting(valid))).isEqualTo(Status.Code.OK));

    assertThat(callDirectly(presenting(expired))).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private XdsTestServer startPayments(Path identityDir) throws Exception {
    return mesh.backend("payments-v1", "payments-v1-a", paymentsPort, identityDir);
  }

  /**
   * TLS presenting {@code identity}, trusting the mesh CA for the server's certificate without a
   * host name check (the server is reached by IP), so that a failed call can only be the server
   * refusing the client's certificate.
   */
  private ChannelCredentials presenting(TestIdentity identity) throws Exception {
    AdvancedTlsX509TrustManager trust = AdvancedTlsX509TrustManager.newBuilder()
        .setVerification(AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
        .build();
    trust.updateTrustCredentials(new X509Certificate[] {mesh.pki().root()});
    return TlsChannelCredentials.newBuilder()
        .keyManager(identity.keyManager())
        .trustManager(trust)
        .build();
  }

  /**
   * One RPC straight to the payments server's port (no xDS on the client side); returns its
   * status code.
   */
  private Status.Code callDirectly(ChannelCredentials credentials) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilder("127.0.0.1:" + paymentsPort, credentials).build();
    try {
      ClientCalls.blockingUnaryCall(channel, PaymentsRpc.GET_PAYMENT,
          CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "order-1");
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
