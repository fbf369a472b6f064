package io.paymesh.config.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final String SERVICES = """
      kind: Service
      name: checkout
      spec:
        ports:
          - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
        identity: spiffe://paymesh.local/ns/payments/sa/checkout
        pciScope: CONNECTED
        dependencies: [payments-v1]
      ---
      kind: Service
      name: payments-v1
      spec:
        ports:
          - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
        identity: spiffe://paymesh.local/ns/payments/sa/payments-v1
        pciScope: CDE
        dependencies: []
      """;
  private static final String BROKEN = """
      kind: Service
      name: broken
      spec:
        ports:
          - {name: grpc, port: 0, targetPort: 9090, protocol: GRPC}
        identity: spiffe://paymesh.local/ns/payments/sa/broken
        pciScope: NONE
        dependencies: []
      """;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PolicyRepository repository;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    repository = new PolicyRepository(ETCD.client(), EtcdSettings.DEFAULT_PREFIX, new PolicyCodec());
  }

  private int load(String... args) {
    return new PolicyLoader(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
  }

  @Test
  void load_yamlFile_writesEveryDocument() throws Exception {
    Path file = Files.writeString(dir.resolve("services.yaml"), SERVICES);

    int exit = load("--etcd", ETCD.endpoint(), file.toString());

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(PolicyLoader.EXIT_OK);
    assertThat(repository.get(Kind.SERVICE, "checkout")).isPresent();
    assertThat(repository.get(Kind.SERVICE, "payments-v1")).isPresent();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("wrote /paymesh/policy/services/checkout (Service/checkout)")
        .contains("wrote /paymesh/policy/services/payments-v1 (Service/payments-v1)")
        .contains("2 document(s) written at revision ");
  }

  @Test
  void load_directoryWithOneInvalidFile_reportsItAndWritesNothing() throws Exception {
    Files.writeString(dir.resolve("a-services.yml"), SERVICES);
    Path broken = Files.writeString(dir.resolve("b-broken.yaml"), BROKEN);
    Files.writeString(dir.resolve("notes.txt"), "not policy");

    int exit = load("--etcd", ETCD.endpoint(), dir.toString());

    assertThat(exit).isEqualTo(PolicyLoader.EXIT_INVALID);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(
        broken + ": documents[0].ports[grpc].port: must be between 1 and 65535\n"
            + "nothing written: 1 error(s)\n");
    assertThat(repository.get(Kind.SERVICE, "checkout")).isEmpty();
  }

  @Test
  void load_withoutEtcdFlag_printsUsage() {
    int exit = load("policy.yaml");

    assertThat(exit).isEqualTo(PolicyLoader.EXIT_USAGE);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("--etcd is required\n" + PolicyLoader.USAGE + "\n");
  }
}
