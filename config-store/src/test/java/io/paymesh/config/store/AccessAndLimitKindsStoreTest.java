package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.validation.Fixtures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The PeerAuthentication, RequestAuthentication and RateLimitPolicy kinds through a real etcd. */
class AccessAndLimitKindsStoreTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final PolicyCodec codec = new PolicyCodec();
  private final SnapshotRecorder recorder = new SnapshotRecorder();
  private PolicyRepository repository;
  private EtcdPolicyWatcher watcher;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec);
  }

  @AfterEach
  void closeWatcher() {
    if (watcher != null) {
      watcher.close();
    }
  }

  @Test
  void putAll_thenGetAndWatch_returnsEachNewKindUnderItsKey() throws Exception {
    List<PolicyResource> docs = List.of(
        Fixtures.peerAuthentication(p -> {}),
        Fixtures.requestAuthentication(a -> {}),
        Fixtures.rateLimitPolicy(r -> {}));

    long revision = repository.putAll(docs);

    assertThat(repository.get(Kind.PEER_AUTHENTICATION, "payments-mtls"))
        .contains(new StoredDocument(
            "/paymesh/policy/peerauthentications/payments-mtls", docs.get(0), revision));
    assertThat(repository.get(Kind.REQUEST_AUTHENTICATION, "gateway-jwt"))
        .contains(new StoredDocument(
            "/paymesh/policy/requestauthentications/gateway-jwt", docs.get(1), revision));
    assertThat(repository.get(Kind.RATE_LIMIT_POLICY, "payments-limits"))
        .contains(new StoredDocument(
            "/paymesh/policy/ratelimitpolicies/payments-limits", docs.get(2), revision));

    watcher = new EtcdPolicyWatcher(ETCD.client(), PREFIX, codec, Duration.ofMillis(50), recorder);
    watcher.start();
    await().atMost(WAIT).until(recorder::any);
    PolicySnapshot snapshot = recorder.last();
    assertThat(snapshot.rejected()).isEmpty();
    assertThat(snapshot.resources()).containsExactlyElementsOf(docs);
    assertThat(snapshot.peerAuthentications()).containsOnlyKeys("payments-mtls");
    assertThat(snapshot.requestAuthentications()).containsOnlyKeys("gateway-jwt");
    assertThat(snapshot.rateLimitPolicies()).containsOnlyKeys("payments-limits");
  }
}
