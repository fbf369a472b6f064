package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.EtcdctlScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real etcd with {@code --client-cert-auth} and authentication enabled by the roles of
 * docs/security.md, reached through {@link EtcdSettings#newClient()}: each role can do what the
 * doc says and no more, a client without a certificate cannot connect, a wrong password is
 * refused with etcd's reason and without the password in it.
 */
class EtcdClientAuthenticationTest {
  @RegisterExtension
  static final EtcdExtension ETCD = EtcdExtension.withClientCertificates();

  private static final Map<String, String> PASSWORDS = Map.of(
      "root", "r00t-password-for-tests",
      "paymesh-xds-server", "xds-password-for-tests",
      "paymesh-admin-api", "admin-password-for-tests",
      "paymesh-registrar", "registrar-password-for-tests");
  private static final String SERVICE = """
      {"kind":"Service","name":"checkout","spec":{"ports":[{"name":"grpc","port":8443,
       "targetPort":9090,"protocol":"GRPC"}],"identity":"spiffe://paymesh.local/ns/payments/sa/checkout",
       "pciScope":"NONE","dependencies":[]}}
      """;

  @TempDir static Path secrets;

  @BeforeAll
  static void enableAuthentication() throws Exception {
    EtcdctlScript.documentedRoles().run(ETCD.client(), PASSWORDS::get);
  }

  /** Settings of {@code user}: its certificate (CN = user) and its password from a file. */
  private static EtcdSettings as(String user, String password) throws Exception {
    Path file = Files.writeString(secrets.resolve(user + "-" + password.hashCode() + ".password"),
        password + "\n");
    return ETCD.settings(user).withAuth(EtcdAuth.passwordFromFile(user, file));
  }

  @Test
  void adminApiUser_writesPolicyWithItsAudit() throws Exception {
    try (Client admin = as("paymesh-admin-api", PASSWORDS.get("paymesh-admin-api")).newClient()) {
      PolicyRepository repository =
          new PolicyRepository(admin, EtcdSettings.DEFAULT_PREFIX, new PolicyCodec());
      repository.put(new PolicyCodec().decode(SERVICE));

      assertThat(repository.get(Kind.SERVICE, "checkout")).isPresent();
    }
  }

  @Test
  void xdsServerUser_readsPolicyAndWritesStatus_butCannotWritePolicy() throws Exception {
    try (Client xds = as("paymesh-xds-server", PASSWORDS.get("paymesh-xds-server")).newClient()) {
      KeyLayout keys = KeyLayout.defaultLayout();
      xds.getKVClient().get(bytes(keys.prefix()), GetOption.builder().isPrefix(true).build())
          .get(10, TimeUnit.SECONDS);
      xds.getKVClient().put(bytes(keys.statusPrefix() + "proxies/n1"), bytes("{}"))
          .get(10, TimeUnit.SECONDS);

      assertThatThrownBy(() -> new PolicyRepository(xds, EtcdSettings.DEFAULT_PREFIX,
          new PolicyCodec()).put(new PolicyCodec().decode(SERVICE)))
          .hasStackTraceContaining("permission denied");
      assertThatThrownBy(() -> xds.getKVClient()
          .put(bytes(keys.endpointsPrefix() + "checkout/x"), bytes("{}")).get(10, TimeUnit.SECONDS))
          .hasStackTraceContaining("permission denied");
    }
  }

  @Test
  void certificateAlone_actsAsItsCommonName() throws Exception {
    // No password: etcd takes the certificate's CN, paymesh-xds-server, as the user.
    try (Client xds = ETCD.settings("paymesh-xds-server").newClient()) {
      assertThatThrownBy(() -> xds.getKVClient()
          .put(bytes(KeyLayout.defaultLayout().policyPrefix() + "services/x"), bytes("{}"))
          .get(10, TimeUnit.SECONDS))
          .hasStackTraceContaining("permission denied");
    }
  }

  @Test
  void clientWithoutCertificate_cannotConnect() throws Exception {
    EtcdSettings noCertificate = EtcdSettings.of(ETCD.endpoint())
        .withTls(ETCD.pki().withoutClientCertificate())
        .withAuth(as("paymesh-admin-api", PASSWORDS.get("paymesh-admin-api")).auth());
    try (Client client = noCertificate.newClient()) {
      // jetcd keeps retrying a channel that cannot connect: no answer ever comes.
      assertThatThrownBy(() -> client.getKVClient().get(bytes("/paymesh/"))
          .get(5, TimeUnit.SECONDS))
          .isInstanceOfAny(TimeoutException.class, ExecutionException.class);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(Files.readString(ETCD.logFile()))
              .contains("tls: client didn't provide a certificate"));
    }
  }

  @Test
  void wrongPassword_isRefusedWithEtcdsReason_withoutThePassword() throws Exception {
    String wrong = "not-the-admin-password";
    try (Client client = as("paymesh-admin-api", wrong).newClient()) {
      assertThatThrownBy(() -> client.getKVClient().get(bytes("/paymesh/"))
          .get(20, TimeUnit.SECONDS))
          .hasStackTraceContaining("authentication failed, invalid user ID or password")
          .satisfies(e -> assertThat(stackTrace(e)).doesNotContain(wrong));
    }
  }

  private static String stackTrace(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
