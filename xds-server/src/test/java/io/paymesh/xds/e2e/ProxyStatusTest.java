package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import io.paymesh.xds.inspect.ConfigDumper;
import io.paymesh.xds.status.EtcdProxyStatusPublisher;
import io.paymesh.xds.status.ProxyStatusReader;
import io.paymesh.xds.status.ProxyStatusRecord;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The proxy status an xds-server replica publishes in etcd, read back the way the admin API reads
 * it, for a real grpc-java xDS client: present with the versions it ACKed while it is connected,
 * gone when it disconnects, gone with the replica's lease, and re-published if the lease is lost.
 */
class ProxyStatusTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  private static final List<String> XDS_TYPES = List.of(
      Resources.V3.LISTENER_TYPE_URL, Resources.V3.ROUTE_TYPE_URL,
      Resources.V3.CLUSTER_TYPE_URL, Resources.V3.ENDPOINT_TYPE_URL);
  private static final String POLICY =
      Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a");

  /** grpc-java refuses a PaymentProcessor cluster (see NackTest) once a route sends it there. */
  private static final String STRIPE = """
      kind: PaymentProcessor
      name: stripe
      spec:
        endpoints: [{address: api.stripe.invalid, port: 443, region: us-east-1, priority: 0}]
        tls:
          sni: api.stripe.invalid
          trustedCaSecret: psp-ca
          subjectAltNames: [api.stripe.invalid]
        connectTimeout: 2s
      """;
  private static final String CHARGES_TO_STRIPE = Policies.routeAllTo("payments-a")
      .replaceFirst("destination: \\{target: payments-a}", "destination: {target: stripe}");

  private Mesh mesh;
  private TestBackend backend;
  private ProxyStatusReader reader;
  private XdsTestClient client;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    backend = mesh.backend("payments-a", "backend-a");
    mesh.apply(POLICY);
    reader = new ProxyStatusReader(ETCD.client(), mesh.prefix());
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  /** Connects checkout's client and waits until its stream has ACKed every type. */
  private ProxyStatus connectCheckout() {
    client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
    await().atMost(CONVERGE).until(() -> checkoutStatus()
        .filter(s -> s.ackedVersions().keySet().containsAll(XDS_TYPES)).isPresent());
    return checkoutStatus().orElseThrow();
  }

  private Optional<ProxyStatus> checkoutStatus() {
    return mesh.server().proxies().connected().stream()
        .filter(s -> s.group().service().equals("checkout"))
        .findFirst();
  }

  private KeyValue statusKey(String nodeId) throws Exception {
    List<KeyValue> kvs = ETCD.client().getKVClient()
        .get(ByteSequence.from(mesh.prefix() + "status/proxies/" + nodeId,
            StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS).getKvs();
    assertThat(kvs).as("status key of " + nodeId).hasSize(1);
    return kvs.get(0);
  }

  @Test
  void connectedClient_isListedWithTheVersionsItAcked_untilItDisconnects() throws Exception {
    ProxyStatus connected = connectCheckout();
    String nodeId = connected.nodeId();

    await().atMost(CONVERGE).untilAsserted(() -> {
      ProxyStatus now = checkoutStatus().orElseThrow();
      assertThat(reader.list()).singleElement().satisfies(record -> {
        assertThat(record.nodeId()).isEqualTo(nodeId);
        assertThat(record.ackedVersions()).isEqualTo(now.ackedVersions())
            .containsOnlyKeys(XDS_TYPES);
      });
    });
    ProxyStatusRecord record = reader.get(nodeId).orElseThrow();
    assertThat(record.service()).isEqualTo("checkout");
    assertThat(record.client()).isEqualTo("GRPC_JAVA");
    assertThat(record.group().form()).isEqualTo(ProxyForm.PROXYLESS);
    assertThat(record.replica()).isEqualTo(mesh.server().replicaId());
    assertThat(record.lastNack()).isEmpty();
    assertThat(record.nackCount()).isZero();
    assertThat(record.connectedAt()).isEqualTo(connected.connectedAt());
    // What the client ACKed is what the admin API's config dump computes for the same policy.
    PolicySnapshot policy = PolicySnapshot.builder(0)
        .addAll(new PolicyCodec().decodeAll(POLICY))
        .addEndpoint(Mesh.endpointOf("payments-a", backend))
        .build();
    assertThat(record.ackedVersions()).isEqualTo(
        new ConfigDumper().dump(policy, ProxyGroup.proxyless("checkout")).versions());

    client.close();

    await().atMost(CONVERGE).until(() -> reader.get(nodeId).isEmpty());
    assertThat(reader.list()).isEmpty();
  }

  @Test
  void nack_isPublishedWithTheRefusedVersionAndTheClientsError() throws Exception {
    ProxyStatus connected = connectCheckout();

    mesh.apply(STRIPE + "---\n" + Policies.SERVICES.replace(
        "dependencies: [payments, payments-a, payments-b]",
        "dependencies: [payments, payments-a, payments-b, stripe]")
        + "---\n" + CHARGES_TO_STRIPE);

    await().atMost(CONVERGE).untilAsserted(() -> {
      // An assertion, not orElseThrow(): the record may not be written yet, and Awaitility
      // retries only failed assertions.
      Optional<ProxyStatusRecord> published = reader.get(connected.nodeId());
      assertThat(published).as("the status record of %s", connected.nodeId()).isPresent();
      ProxyStatusRecord record = published.get();
      assertThat(record.nackCount()).isPositive();
      assertThat(record.lastNack()).hasValueSatisfying(nack -> {
        assertThat(nack.typeUrl()).isEqualTo(Resources.V3.CLUSTER_TYPE_URL);
        assertThat(nack.version()).isNotEqualTo(
            connected.ackedVersions().get(Resources.V3.CLUSTER_TYPE_URL));
        assertThat(nack.errorDetail()).contains("stripe");
      });
      ProxyStatus now = checkoutStatus().orElseThrow();
      assertThat(record.lastNack().orElseThrow().version())
          .isEqualTo(now.lastNack().orElseThrow().version());
      assertThat(record.ackedVersions()).isEqualTo(now.ackedVersions());
    });
  }

  @Test
  void stoppingAReplica_revokesItsLease_soItsRecordsVanishAtOnce() throws Exception {
    String nodeId = connectCheckout().nodeId();
    await().atMost(CONVERGE).until(() -> reader.get(nodeId).isPresent());
    // A second publisher of the same streams under another prefix, with a TTL far longer than
    // this test: its records can only vanish by revocation.
    String otherPrefix = mesh.prefix() + "second/";
    ProxyStatusReader otherReader = new ProxyStatusReader(ETCD.client(), otherPrefix);
    EtcdProxyStatusPublisher second = new EtcdProxyStatusPublisher(ETCD.client(), otherPrefix,
        "second-replica", mesh.server().proxies(), Duration.ofMinutes(5)).start();
    await().atMost(CONVERGE).until(() -> otherReader.get(nodeId).isPresent());
    assertThat(otherReader.get(nodeId).orElseThrow().replica()).isEqualTo("second-replica");

    second.close();

    assertThat(otherReader.list()).isEmpty();
    assertThat(reader.get(nodeId)).isPresent();

    mesh.server().close();

    assertThat(reader.list()).isEmpty();
  }

  @Test
  void lostLease_isReplaced_andTheRecordWrittenAgain() throws Exception {
    String nodeId = connectCheckout().nodeId();
    await().atMost(CONVERGE).until(() -> reader.get(nodeId).isPresent());
    long lostLease = statusKey(nodeId).getLease();

    ETCD.client().getLeaseClient().revoke(lostLease).get(10, TimeUnit.SECONDS);
    assertThat(reader.get(nodeId)).isEmpty();

    await().atMost(CONVERGE).until(() -> reader.get(nodeId).isPresent());
    assertThat(statusKey(nodeId).getLease()).isNotEqualTo(lostLease).isNotZero();
    assertThat(reader.get(nodeId).orElseThrow().ackedVersions()).containsOnlyKeys(XDS_TYPES);
  }
}
