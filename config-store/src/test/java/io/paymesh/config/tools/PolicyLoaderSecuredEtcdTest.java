package io.paymesh.config.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.EtcdctlScript;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The loader against etcd with client certificates and the documented roles. */
class PolicyLoaderSecuredEtcdTest {
  @RegisterExtension
  static final EtcdExtension ETCD = EtcdExtension.withClientCertificates();
  private static final String LOADER = "paymesh-loader";
  private static final String PASSWORD_SOURCE =
      "the password is needed from exactly one source: a file or an environment variable";
  private static final Map<String, String> PASSWORDS = Map.of(
      "root", "root-pw", "paymesh-xds-server", "xds-pw", "paymesh-admin-api", "admin-pw",
      LOADER, "loader-pw-0123", "paymesh-registrar", "registrar-pw");
  private static final String SERVICE = """
      kind: Service
      name: checkout
      spec:
        ports:
          - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
        identity: spiffe://paymesh.local/ns/payments/sa/checkout
        pciScope: NONE
        dependencies: []
      """;

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void enableAuthentication() throws Exception {
    EtcdctlScript.documentedRoles().run(ETCD.client(), PASSWORDS::get);
  }

  private int load(String password, String... extra) throws Exception {
    Path policy = Files.writeString(dir.resolve("checkout.yaml"), SERVICE);
    Path passwordFile = Files.writeString(dir.resolve("loader.password"), password + "\n");
    String[] tls = {"--etcd", ETCD.endpoint(),
        "--etcd-ca", ETCD.settings(LOADER).tls().ca(),
        "--etcd-cert", ETCD.settings(LOADER).tls().certificate(),
        "--etcd-key", ETCD.settings(LOADER).tls().key(),
        "--etcd-user", LOADER, "--etcd-password-file", passwordFile.toString()};
    String[] args = new String[tls.length + extra.length + 1];
    System.arraycopy(tls, 0, args, 0, tls.length);
    System.arraycopy(extra, 0, args, tls.length, extra.length);
    args[args.length - 1] = policy.toString();
    return new PolicyLoader(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
  }

  private String errors() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static long stored(String key) throws Exception {
    return ETCD.client().getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS).getCount();
  }

  @Test
  void load_withCertificateUserAndPasswordFile_writes() throws Exception {
    int exit = load(PASSWORDS.get(LOADER));

    assertThat(exit).as(errors()).isEqualTo(PolicyLoader.EXIT_OK);
    assertThat(stored("/paymesh/policy/services/checkout")).isEqualTo(1);
  }

  @Test
  void load_withAWrongPassword_failsWithEtcdsReason_andNeverPrintsThePassword() throws Exception {
    ETCD.deletePrefix("/paymesh/policy/");
    String wrong = "wrong-loader-password";

    int exit = load(wrong);

    assertThat(exit).isEqualTo(PolicyLoader.EXIT_STORE_FAILED);
    assertThat(errors()).contains("authentication failed, invalid user ID or password")
        .doesNotContain(wrong).doesNotContain(PASSWORDS.get(LOADER));
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(wrong);
    assertThat(stored("/paymesh/policy/services/checkout")).isZero();
  }

  @Test
  void load_withHttpsButNoCa_orACertificateWithoutKey_namesTheFlag() throws Exception {
    Path policy = Files.writeString(dir.resolve("checkout.yaml"), SERVICE);

    int exit = new PolicyLoader(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[] {
            "--etcd", ETCD.endpoint(), "--etcd-cert", ETCD.settings(LOADER).tls().certificate(),
            "--etcd-user", LOADER, policy.toString()});

    assertThat(exit).isEqualTo(PolicyLoader.EXIT_USAGE);
    assertThat(errors()).contains(
        "--etcd-ca: required",
        "--etcd-key: required with a client certificate: the certificate's private key",
        "--etcd-password-file: " + PASSWORD_SOURCE);
  }
}
