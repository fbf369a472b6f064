package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.exists;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.TcpProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EndpointRegistryTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final SnapshotRecorder recorder = new SnapshotRecorder();
  private EtcdPolicyWatcher watcher;
  private EndpointRegistry registry;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    registry = new EndpointRegistry(ETCD.client(), PREFIX);
    watcher = new EtcdPolicyWatcher(
        ETCD.client(), PREFIX, new PolicyCodec(), Duration.ofMillis(50), recorder);
    watcher.start();
    await().atMost(WAIT).until(() -> recorder.any() && watcher.isWatching());
  }

  @AfterEach
  void tearDown() {
    watcher.close();
    registry.close();
  }

  @Test
  void register_showsUpInSnapshot_andCloseRemovesIt() throws Exception {
    Endpoint endpoint = new Endpoint("payments-v1", "i-1", "127.0.0.1", 50051, "local", 2);

    EndpointRegistry.Registration registration = registry.register(endpoint, Duration.ofSeconds(5));

    assertThat(registration.key()).isEqualTo("/paymesh/endpoints/payments-v1/i-1");
    await().atMost(WAIT).until(() -> !recorder.last().endpointsOf("payments-v1").isEmpty());
    assertThat(recorder.last().endpointsOf("payments-v1")).containsExactly(endpoint);

    registration.close();
    await().atMost(WAIT).until(() -> recorder.last().endpointsOf("payments-v1").isEmpty());
    assertThat(exists(ETCD.client(), registration.key())).isFalse();
  }

  @Test
  void registerOnce_expiresAfterTtl_whileKeptAliveRegistrationStays() throws Exception {
    Endpoint kept = new Endpoint("payments-v1", "kept", "127.0.0.1", 50051, "local", 1);
    Endpoint once = new Endpoint("payments-v1", "once", "127.0.0.1", 50052, "local", 1);

    registry.register(kept, Duration.ofSeconds(1));
    registry.registerOnce(once, Duration.ofSeconds(1));
    await().atMost(WAIT).until(() -> recorder.last().endpointsOf("payments-v1").size() == 2);

    await().atMost(WAIT).until(() -> recorder.last().endpointsOf("payments-v1").size() == 1);
    assertThat(recorder.last().endpointsOf("payments-v1")).containsExactly(kept);
    assertThat(exists(ETCD.client(), "/paymesh/endpoints/payments-v1/once")).isFalse();
  }

  @Test
  void register_invalidEndpoint_isRefusedBeforeWriting() throws Exception {
    Endpoint invalid = new Endpoint("payments-v1", "bad", "127.0.0.1", 0, "local", 1);

    assertThatThrownBy(() -> registry.register(invalid, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("[port: must be between 1 and 65535]");
    assertThat(exists(ETCD.client(), "/paymesh/endpoints/payments-v1/bad")).isFalse();
  }

  @Test
  void register_atAPriority_storesIt_andTheSnapshotReadsItBack() throws Exception {
    Endpoint standby = new Endpoint("payments-v1", "standby", "127.0.0.1", 50053, "local", 1, 1);

    EndpointRegistry.Registration registration = registry.register(standby, Duration.ofSeconds(5));

    await().atMost(WAIT).until(() -> !recorder.last().endpointsOf("payments-v1").isEmpty());
    assertThat(recorder.last().endpointsOf("payments-v1")).containsExactly(standby);
    assertThat(ETCD.client().getKVClient().get(TestDocuments.bytes(registration.key())).get()
            .getKvs().get(0).getValue().toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"address\":\"127.0.0.1\",\"port\":50053,\"zone\":\"local\",\"weight\":1,"
            + "\"priority\":1}");
  }

  @Test
  void register_priorityBeyondEnvoysLowestLevel_isRefusedBeforeWriting() throws Exception {
    Endpoint invalid = new Endpoint("payments-v1", "deep", "127.0.0.1", 50051, "local", 1, 129);

    assertThatThrownBy(() -> registry.register(invalid, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("[priority: must be between 0 and 128]");
    assertThat(exists(ETCD.client(), "/paymesh/endpoints/payments-v1/deep")).isFalse();
  }

  @Test
  void register_hostName_isRefusedBeforeWriting() throws Exception {
    Endpoint hostName = new Endpoint("payments-v1", "dns", "payments-1.internal", 50051, "local", 1);

    assertThatThrownBy(() -> registry.register(hostName, Duration.ofSeconds(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("[address: must be an IPv4 or IPv6 address]");
    assertThat(exists(ETCD.client(), "/paymesh/endpoints/payments-v1/dns")).isFalse();
  }

  @Test
  void register_whenLeaseIsLostDuringNetworkCut_registersAgainAfterwards() throws Exception {
    Endpoint endpoint = new Endpoint("payments-v1", "i-1", "127.0.0.1", 50051, "local", 1);
    try (TcpProxy proxy = TcpProxy.to(ETCD.endpoint());
        Client cutOff = Client.builder().endpoints(proxy.endpoint()).build();
        EndpointRegistry cutOffRegistry = new EndpointRegistry(cutOff, PREFIX)) {
      EndpointRegistry.Registration registration =
          cutOffRegistry.register(endpoint, Duration.ofSeconds(1));
      long firstLease = registration.leaseId();
      await().atMost(WAIT).until(() -> !recorder.last().endpointsOf("payments-v1").isEmpty());

      proxy.cut();
      // Keep-alives cannot get through: etcd expires the lease and deletes the key.
      await().atMost(WAIT).until(() -> recorder.last().endpointsOf("payments-v1").isEmpty());
      proxy.restore();

      // The registry records its new lease just after the put, which the watcher may publish
      // first: wait for both.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> recorder.last().endpointsOf("payments-v1").contains(endpoint)
              && registration.leaseId() != firstLease);
    }
  }
}
