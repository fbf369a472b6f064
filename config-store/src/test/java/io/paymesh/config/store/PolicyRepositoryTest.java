package io.paymesh.config.store;

import static io.paymesh.config.store.TestDocuments.PREFIX;
import static io.paymesh.config.store.TestDocuments.exists;
import static io.paymesh.config.store.TestDocuments.serviceKey;
import static io.paymesh.config.store.TestDocuments.serviceYaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.Service;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.validation.PolicyValidationException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PolicyRepositoryTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private final PolicyCodec codec = new PolicyCodec();
  private PolicyRepository repository;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deletePrefix(PREFIX);
    repository = new PolicyRepository(ETCD.client(), PREFIX, codec);
  }

  @Test
  void put_thenGet_returnsDocumentWithItsModRevision() throws Exception {
    PolicyResource checkout = codec.decode(serviceYaml("checkout"));

    long revision = repository.put(checkout);

    Optional<StoredDocument> stored = repository.get(Kind.SERVICE, "checkout");
    assertThat(stored).contains(
        new StoredDocument("/paymesh/policy/services/checkout", checkout, revision));
  }

  @Test
  void get_whenAbsent_isEmpty() throws Exception {
    assertThat(repository.get(Kind.ROUTE_TABLE, "nothing")).isEmpty();
  }

  @Test
  void delete_removesDocument_andReportsWhetherThereWasOne() throws Exception {
    repository.put(codec.decode(serviceYaml("checkout")));

    assertThat(repository.delete(Kind.SERVICE, "checkout")).isTrue();
    assertThat(repository.delete(Kind.SERVICE, "checkout")).isFalse();
    assertThat(exists(ETCD.client(), serviceKey("checkout"))).isFalse();
  }

  @Test
  void putAll_writesEveryDocumentInOneTransaction() throws Exception {
    List<PolicyResource> docs = List.of(
        codec.decode(serviceYaml("checkout")),
        codec.decode(serviceYaml("payments-v1")),
        codec.decode(serviceYaml("ledger")));

    long revision = repository.putAll(docs);

    for (PolicyResource doc : docs) {
      assertThat(repository.get(doc.kind(), doc.name()))
          .map(StoredDocument::modRevision)
          .contains(revision);
    }
  }

  @Test
  void putAll_whenOneDocumentIsInvalid_writesNothing() throws Exception {
    Service invalid = new Service("broken", new Service.Spec(
        List.of(new Service.Port("grpc", 0, 9090, Service.Protocol.GRPC)),
        "spiffe://paymesh.local/ns/payments/sa/broken", PciScope.NONE, List.of(),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
    List<PolicyResource> docs = List.of(codec.decode(serviceYaml("checkout")), invalid);

    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> repository.putAll(docs));

    assertThat(e.errors()).extracting(Object::toString)
        .containsExactly("Service/broken.ports[grpc].port: must be between 1 and 65535");
    assertThat(exists(ETCD.client(), serviceKey("checkout"))).isFalse();
    assertThat(exists(ETCD.client(), serviceKey("broken"))).isFalse();
  }

  @Test
  void putAll_whenSameDocumentTwice_writesNothing() throws Exception {
    PolicyResource checkout = codec.decode(serviceYaml("checkout"));

    PolicyValidationException e = catchThrowableOfType(PolicyValidationException.class,
        () -> repository.putAll(List.of(checkout, checkout)));

    assertThat(e.errors()).extracting(Object::toString)
        .containsExactly("Service/checkout: duplicate document in one write");
    assertThat(exists(ETCD.client(), serviceKey("checkout"))).isFalse();
  }
}
