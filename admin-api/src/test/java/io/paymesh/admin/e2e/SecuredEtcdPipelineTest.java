package io.paymesh.admin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.codahale.metrics.health.HealthCheck;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.Client;
import io.paymesh.admin.AdminApplication;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.health.EtcdHealthCheck;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.EndpointRegistry;
import io.paymesh.config.store.EtcdAuth;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.EtcdctlScript;
import io.paymesh.xds.XdsServer;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole pipeline through an etcd run as docs/security.md says production should: https with
 * {@code --client-cert-auth}, authentication enabled with the documented roles, each component
 * its own user with its own certificate and password file. The admin API writes a policy, the
 * xds-server (with the xds-server's role) watches it, a grpc-java xDS client gets the config and
 * its RPC reaches a backend registered with the registrar's role, and the admin API reads the
 * status the xds-server wrote; the xds-server's user cannot write the policy.
 */
class SecuredEtcdPipelineTest {
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration ENDPOINT_TTL = Duration.ofSeconds(10);
  private static final Map<String, String> PASSWORDS = Map.of(
      "root", "root-pw-e2e",
      "paymesh-xds-server", "xds-pw-e2e",
      "paymesh-admin-api", "admin-pw-e2e",
      "paymesh-registrar", "registrar-pw-e2e");
  private static final Path SECRETS = tempDir();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = EtcdExtension.withClientCertificates();

  /** Enables etcd authentication with the documented roles before the admin API starts. */
  @RegisterExtension
  @Order(2)
  static final BeforeAllCallback ROLES =
      context -> EtcdctlScript.documentedRoles().run(ETCD.client(), PASSWORDS::get);

  @RegisterExtension
  @Order(3)
  static final DropwizardAppExtension<AdminConfiguration> APP =
      new DropwizardAppExtension<>(
          AdminApplication.class,
          ResourceHelpers.resourceFilePath("admin-test.yaml"),
          ConfigOverride.config("etcd.endpoints[0]", ETCD::endpoint),
          ConfigOverride.config("etcd.tls.ca", () -> settingsOf("paymesh-admin-api").tls().ca()),
          ConfigOverride.config("etcd.tls.certificate",
              () -> settingsOf("paymesh-admin-api").tls().certificate()),
          ConfigOverride.config("etcd.tls.key", () -> settingsOf("paymesh-admin-api").tls().key()),
          ConfigOverride.config("etcd.auth.user", "paymesh-admin-api"),
          ConfigOverride.config("etcd.auth.passwordFile",
              () -> settingsOf("paymesh-admin-api").auth().passwordFile()));

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @Test
  void policyWrittenThroughTheApi_reachesAClientThroughAnXdsServerWithItsOwnRole()
      throws Exception {
    try (Client xdsEtcd = settingsOf("paymesh-xds-server").newClient();
        Client registrarEtcd = settingsOf("paymesh-registrar").newClient();
        TestBackend backend = TestBackend.start("backend-a");
        EndpointRegistry.Registration registered =
            new EndpointRegistry(registrarEtcd, EtcdSettings.DEFAULT_PREFIX)
                .register(Mesh.endpointOf("payments-a", backend), ENDPOINT_TTL);
        XdsServer server = XdsServer.builder(xdsEtcd)
            .prefix(EtcdSettings.DEFAULT_PREFIX)
            .coalesceWindow(Duration.ofMillis(50))
            .plaintextAds(new InetSocketAddress("127.0.0.1", 0))
            .start()) {
      // CDE services: proposed, then approved by a second security admin, so the admin API's
      // role is proven on proposals/ (with their lease) too.
      Http.Reply applied = AdminApp.approveIfProposed(HTTP, HTTP.post("/v1/apply")
          .token(TestTokens.ADMIN).reason("checkout -> payments through a secured etcd")
          .yaml(Policies.SERVICES + "---\n" + Policies.routeAllTo("payments-a")).send());
      assertThat(applied.status()).as(applied.toString()).isEqualTo(200);

      try (XdsTestClient client =
          XdsTestClient.connect(server.plaintextAdsPort(), "checkout", "payments")) {
        await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
        // The xds-server wrote the client's status with its role; the admin API reads it.
        await().atMost(CONVERGE).untilAsserted(() -> {
          JsonNode proxies = HTTP.get("/v1/proxies").token(TestTokens.VIEWER).send().json();
          assertThat(proxies.findValuesAsText("service")).contains("checkout");
        });
      }

      PolicyRepository asXdsServer =
          new PolicyRepository(xdsEtcd, EtcdSettings.DEFAULT_PREFIX, new PolicyCodec());
      assertThatThrownBy(() -> asXdsServer.putAll(
          new PolicyCodec().decodeAll(Policies.routeAllTo("payments-b"))))
          .hasStackTraceContaining("permission denied");
    }
  }

  @Test
  void adminApiHealth_isHealthyWithItsRole() {
    Http.Reply health = new Http(() -> APP.getAdminPort()).get("/healthcheck").send();
    assertThat(health.status()).as(health.toString()).isEqualTo(200);
  }

  @Test
  void etcdHealth_withAWrongPassword_isUnhealthyWithEtcdsReason_withoutThePassword()
      throws Exception {
    String wrong = "not-the-admin-password";
    Path file = Files.writeString(SECRETS.resolve("wrong.password"), wrong);
    EtcdSettings settings = ETCD.settings("paymesh-admin-api")
        .withAuth(EtcdAuth.passwordFromFile("paymesh-admin-api", file));
    try (Client client = settings.newClient()) {
      HealthCheck.Result result = new EtcdHealthCheck(client.getKVClient(), settings,
          io.dropwizard.util.Duration.seconds(10)).execute();

      assertThat(result.isHealthy()).isFalse();
      assertThat(result.getMessage())
          .contains("authentication failed, invalid user ID or password")
          .doesNotContain(wrong);
    }
  }

  /** {@code user}'s certificate (CN = user) and password file. */
  private static EtcdSettings settingsOf(String user) {
    Path file = SECRETS.resolve(user + ".password");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, PASSWORDS.get(user) + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ETCD.settings(user).withAuth(EtcdAuth.passwordFromFile(user, file));
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("paymesh-etcd-secrets-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
