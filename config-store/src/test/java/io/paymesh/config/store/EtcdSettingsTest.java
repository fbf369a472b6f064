package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.testing.EtcdTestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link EtcdSettings} refuses, how it says so, and that no password ever shows. */
class EtcdSettingsTest {
  private static final String HTTPS = "https://127.0.0.1:2379";
  private static final String PASSWORD = "s3cret-Pa55word";
  private static final String PASSWORD_SOURCE =
      "the password is needed from exactly one source: a file or an environment variable";

  @TempDir Path dir;
  private EtcdTestPki pki;
  private EtcdTls client;

  @BeforeEach
  void setUp() {
    pki = EtcdTestPki.create(dir.resolve("pki"));
    client = pki.client("paymesh-xds-server");
  }

  private static List<String> problems(EtcdSettings settings) {
    return problems(settings, Map.of());
  }

  private static List<String> problems(EtcdSettings settings, Map<String, String> env) {
    return settings.problems(env::get).stream().map(p -> p.at("etcd")).toList();
  }

  private EtcdSettings https() {
    return EtcdSettings.of(HTTPS);
  }

  @Test
  void problems_whenPlaintextWithoutTlsOrUser_areNone() {
    assertThat(problems(EtcdSettings.of("http://127.0.0.1:2379"))).isEmpty();
  }

  @Test
  void problems_whenTlsWithClientCertificateAndPasswordFile_areNone() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
    EtcdSettings settings =
        https().withTls(client).withAuth(EtcdAuth.passwordFromFile("paymesh-xds-server", password));

    assertThat(problems(settings)).isEmpty();
  }

  @Test
  void problems_whenHttpsWithoutTls_requireTheCa() {
    assertThat(problems(https())).containsExactly("etcd.tls.ca: required for https:// endpoints:"
        + " the PEM file of the CA that signed etcd's certificate (a tls: block with at least ca)");
  }

  @Test
  void problems_whenTlsWithHttpEndpoints_sayUseHttps() {
    assertThat(problems(EtcdSettings.of("http://127.0.0.1:2379").withTls(client)))
        .containsExactly("etcd.endpoints: are http:// but tls is set: use https:// URLs, or remove"
            + " tls");
  }

  @Test
  void problems_whenEndpointsMixSchemesOrHaveNone_reportThem() {
    EtcdSettings settings = new EtcdSettings(
        List.of("https://a:2379", "http://b:2379", "c:2379"), EtcdSettings.DEFAULT_PREFIX)
        .withTls(client);

    assertThat(problems(settings)).containsExactly(
        "etcd.endpoints: [2] must be an http:// or https:// URL like https://etcd-1:2379, got"
            + " c:2379",
        "etcd.endpoints: mixes http:// and https://; use one of them");
  }

  @Test
  void problems_whenFilesAreMissing_nameFieldAndFile() {
    EtcdSettings settings = https().withTls(new EtcdTls(dir.resolve("no-ca.pem").toString(),
        dir.resolve("no-cert.pem").toString(), dir.resolve("no-key.pem").toString(), null));

    assertThat(problems(settings)).containsExactly(
        "etcd.tls.ca: " + dir.resolve("no-ca.pem") + ": no such file",
        "etcd.tls.certificate: " + dir.resolve("no-cert.pem") + ": no such file",
        "etcd.tls.key: " + dir.resolve("no-key.pem") + ": no such file");
  }

  @Test
  void problems_whenCertificateHasNoKey_orKeyNoCertificate_sayTheyGoTogether() {
    EtcdSettings certificateOnly = https().withTls(
        new EtcdTls(client.ca(), client.certificate(), null, null));
    EtcdSettings keyOnly = https().withTls(new EtcdTls(client.ca(), null, client.key(), null));

    assertThat(problems(certificateOnly)).containsExactly(
        "etcd.tls.key: required with a client certificate: the certificate's private key");
    assertThat(problems(keyOnly)).containsExactly(
        "etcd.tls.certificate: required with a client key: the certificate of that key");
  }

  @Test
  void problems_whenTheKeyIsPkcs1_sayHowToConvert_withoutQuotingIt() throws Exception {
    String body = "MIIEowIBAAKCAQEAsecretsecretsecret";
    Path key = Files.writeString(dir.resolve("rsa.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n");

    List<String> problems = problems(https().withTls(
        new EtcdTls(client.ca(), client.certificate(), key.toString(), null)));

    assertThat(problems).containsExactly("etcd.tls.key: " + key + ": a PKCS#1 RSA key; expected"
        + " PKCS#8 (-----BEGIN PRIVATE KEY-----), convert it with: openssl pkcs8 -topk8 -nocrypt"
        + " -in KEY -out KEY.pk8.pem");
    assertThat(String.join("\n", problems)).doesNotContain(body);
  }

  @Test
  void problems_whenTheKeyIsGarbage_orNotTheCertificates_sayWhich() throws Exception {
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a key at all");
    EtcdTls other = pki.client("paymesh-admin-api");

    assertThat(problems(https().withTls(
        new EtcdTls(client.ca(), client.certificate(), garbage.toString(), null))))
        .containsExactly("etcd.tls.key: " + garbage
            + ": no PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
    assertThat(problems(https().withTls(
        new EtcdTls(client.ca(), client.certificate(), other.key(), null))))
        .containsExactly("etcd.tls.key: " + other.key()
            + ": is not the private key of the first certificate in " + client.certificate());
  }

  @Test
  void problems_whenTheCaIsNotACertificate_sayIt_withoutQuotingTheFile() {
    // A key given as the CA by mistake: its content must not appear in the message.
    List<String> problems = problems(https().withTls(
        new EtcdTls(client.key(), client.certificate(), client.key(), null)));

    assertThat(problems).containsExactly("etcd.tls.ca: " + client.key()
        + ": not a PEM certificate file (-----BEGIN CERTIFICATE-----)");
  }

  @Test
  void problems_whenUserHasNoPasswordSource_orTwo_orItIsEmptyOrUnset_reportThem()
      throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    EtcdSettings plain = EtcdSettings.of("http://127.0.0.1:2379");

    assertThat(problems(plain.withAuth(new EtcdAuth("xds", null, null)))).containsExactly(
        "etcd.auth.passwordFile: " + PASSWORD_SOURCE);
    assertThat(problems(plain.withAuth(new EtcdAuth("xds", empty.toString(), "PW")))).containsExactly(
        "etcd.auth.passwordEnv: " + PASSWORD_SOURCE);
    assertThat(problems(plain.withAuth(EtcdAuth.passwordFromFile("xds", empty))))
        .containsExactly("etcd.auth.passwordFile: " + empty + ": the password is empty");
    assertThat(problems(plain.withAuth(EtcdAuth.passwordFromEnv("xds", "PAYMESH_PW"))))
        .containsExactly("etcd.auth.passwordEnv: environment variable PAYMESH_PW is not set");
    assertThat(problems(plain.withAuth(EtcdAuth.passwordFromEnv(" ", "PAYMESH_PW")),
        Map.of("PAYMESH_PW", PASSWORD)))
        .containsExactly("etcd.auth.user: required: the etcd user to authenticate as");
  }

  @Test
  void readPassword_dropsOneTrailingLineBreak_only() throws Exception {
    Path crlf = Files.writeString(dir.resolve("crlf"), PASSWORD + "\r\n");
    Path twoLines = Files.writeString(dir.resolve("two"), PASSWORD + "\n\n");

    assertThat(EtcdAuth.passwordFromFile("u", crlf).readPassword(Map.<String, String>of()::get))
        .isEqualTo(PASSWORD.getBytes());
    assertThat(EtcdAuth.passwordFromFile("u", twoLines).readPassword(Map.<String, String>of()::get))
        .isEqualTo((PASSWORD + "\n").getBytes());
    assertThat(EtcdAuth.passwordFromEnv("u", "PW").readPassword(Map.of("PW", PASSWORD)::get))
        .isEqualTo(PASSWORD.getBytes());
  }

  @Test
  void newClient_whenSettingsHaveProblems_throwsEveryOne_andNeverThePassword() {
    EtcdSettings settings = https().withAuth(EtcdAuth.passwordFromEnv("xds", "PW"));

    assertThatThrownBy(() -> settings.newClient(Map.of("PW", "")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd.tls.ca: required for https:// endpoints: the PEM file of the CA that"
            + " signed etcd's certificate (a tls: block with at least ca); etcd.auth.passwordEnv:"
            + " environment variable PW: the password is empty");
  }

  @Test
  void toStringAndDescribe_neverShowThePassword() throws Exception {
    Path password = Files.writeString(dir.resolve("pw"), PASSWORD);
    EtcdSettings settings =
        https().withTls(client).withAuth(EtcdAuth.passwordFromFile("paymesh-xds-server", password));

    assertThat(settings.toString()).doesNotContain(PASSWORD).contains(password.toString());
    assertThat(settings.describe()).isEqualTo(
        "[" + HTTPS + "] (TLS with client certificate, user paymesh-xds-server)");
  }
}
