package io.paymesh.config.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.StoredDocument;
import io.paymesh.config.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void load_moreDocumentsThanOneTransactionHolds_writesThemInDependencyOrderedSteps()
      throws Exception {
    int services = 1000;
    StringBuilder routes = new StringBuilder();
    StringBuilder policies = new StringBuilder();
    StringBuilder mesh = new StringBuilder();
    for (int i = 0; i < services; i++) {
      mesh.append(service("svc-" + i)).append("---\n");
    }
    for (int i = 0; i < 20; i++) {
      routes.append(routeTable("rt-" + i, "svc-" + i)).append("---\n");
      policies.append(authorizationPolicy("ap-" + i, "svc-" + i, "svc-" + (i + 1)))
          .append("---\n");
    }
    // File order puts the routes first: the loader must not write them first.
    Files.writeString(dir.resolve("a-routes.yaml"), routes);
    Files.writeString(dir.resolve("b-policies.yaml"), policies);
    Files.writeString(dir.resolve("c-services.yaml"), mesh);

    int exit = load("--etcd", ETCD.endpoint(), dir.toString());

    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(PolicyLoader.EXIT_OK);
    int total = services + 40;
    int steps = (total + PolicyRepository.MAX_CHANGES_PER_COMMIT - 1)
        / PolicyRepository.MAX_CHANGES_PER_COMMIT;
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(total + " documents are more than one etcd transaction holds (40): writing "
            + "them in " + steps + " steps, in the order PaymentProcessor, Service, "
            + "PeerAuthentication, AuthorizationPolicy, RequestAuthentication, RateLimitPolicy, "
            + "RouteTable")
        .contains(total + " document(s) written at revision ")
        .contains(" in " + steps + " steps");
    List<StoredDocument> stored = repository.list(Kind.SERVICE);
    assertThat(stored).hasSize(services);
    long lastService = stored.stream().mapToLong(StoredDocument::modRevision).max().orElseThrow();
    long firstPolicy = repository.list(Kind.AUTHORIZATION_POLICY).stream()
        .mapToLong(StoredDocument::modRevision).min().orElseThrow();
    long lastPolicy = repository.list(Kind.AUTHORIZATION_POLICY).stream()
        .mapToLong(StoredDocument::modRevision).max().orElseThrow();
    long firstRoute = repository.list(Kind.ROUTE_TABLE).stream()
        .mapToLong(StoredDocument::modRevision).min().orElseThrow();
    assertThat(repository.list(Kind.ROUTE_TABLE)).hasSize(20);
    // Later kinds in a later commit, or in the same one (a commit is atomic).
    assertThat(lastService).isLessThan(firstPolicy);
    assertThat(lastService).isLessThan(firstRoute);
    assertThat(lastPolicy).isLessThanOrEqualTo(firstRoute);
  }

  @Test
  void load_aDocumentGivenTwice_inALoadOfManySteps_writesNothing() throws Exception {
    StringBuilder mesh = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      mesh.append(service("svc-" + i)).append("---\n");
    }
    Files.writeString(dir.resolve("a.yaml"), mesh);
    Files.writeString(dir.resolve("b.yaml"), service("svc-99"));

    int exit = load("--etcd", ETCD.endpoint(), dir.toString());

    assertThat(exit).isEqualTo(PolicyLoader.EXIT_INVALID);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Service/svc-99: duplicate document in one load\nnothing written\n");
    assertThat(repository.list(Kind.SERVICE)).isEmpty();
  }

  private static String service(String name) {
    return """
        kind: Service
        name: %s
        spec:
          ports:
            - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
          identity: spiffe://paymesh.local/ns/payments/sa/%s
          pciScope: NONE
          dependencies: []
        """.formatted(name, name);
  }

  private static String routeTable(String name, String target) {
    return """
        kind: RouteTable
        name: %s
        spec:
          host: %s
          routes:
            - name: default
              match: {path: {prefix: /}}
              destination: {target: %s}
              operation: READ
              timeout: 1s
        """.formatted(name, name, target);
  }

  private static String authorizationPolicy(String name, String service, String caller) {
    return """
        kind: AuthorizationPolicy
        name: %s
        spec:
          service: %s
          rules:
            - name: callers
              callers: [%s]
              to: [{methods: [POST], paths: [{prefix: /}]}]
        """.formatted(name, service, caller);
  }
}
