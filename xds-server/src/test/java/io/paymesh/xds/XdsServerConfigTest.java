package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.paymesh.config.store.EtcdAuth;
import io.paymesh.config.store.EtcdTls;
import io.paymesh.config.testing.EtcdTestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdsServerConfigTest {
  @TempDir Path dir;

  /** A valid identity section, for configs whose test is about something else. */
  private static final String IDENTITY = """
      identity:
        trustDomain: paymesh.local
        caCertificate: ca.pem
        caKey: ca-key.pem
        trustBundle: [root.pem]
        workloadCertificateLifetime: 1h
        serverNames: [localhost]
      """;

  private Path writeWithIdentity(String yaml) throws Exception {
    return write(yaml + IDENTITY);
  }

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("xds-server.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void load_whenTheShippedConfig_readsEveryField() throws Exception {
    Path shipped = Path.of("xds-server.yaml");
    XdsServerConfig config = XdsServerConfig.load(shipped);

    assertThat(config.ads()).isEqualTo(new XdsServerConfig.Ads("0.0.0.0", 18000));
    assertThat(config.etcd().endpoints()).isEqualTo(List.of("http://127.0.0.1:2379"));
    assertThat(config.etcd().prefix()).isEqualTo("/paymesh/");
    assertThat(config.coalesceWindowDuration()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.replicaId()).isNull();
    assertThat(config.plaintextAds()).as("no plaintext ADS port unless asked for").isNull();
    assertThat(config.metrics()).as("no metrics endpoint unless asked for").isNull();
    assertThat(config.buildSidecarsAheadOrDefault()).as("sidecar groups built ahead").isTrue();
    XdsServerConfig.Identity identity = config.identity();
    assertThat(identity.trustDomain()).isEqualTo("paymesh.local");
    assertThat(identity.settings().serverSpiffeId())
        .isEqualTo("spiffe://paymesh.local/paymesh/xds-server");
    assertThat(identity.caCertificate()).isEqualTo("/etc/paymesh/ca/ca.pem");
    assertThat(identity.caKey()).isEqualTo("/etc/paymesh/ca/ca-key.pem");
    assertThat(identity.trustBundle()).containsExactly("/etc/paymesh/ca/root.pem");
    assertThat(identity.workloadCertificateLifetimeDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(identity.serverNames()).contains("xds-server", "localhost", "127.0.0.1");
    assertThat(config.replicaIdOrDefault())
        .isEqualTo(XdsServerConfig.defaultReplicaId())
        .endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void load_whenAReplicaIdIsGiven_usesIt() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        replicaId: xds-eu-1
        """);

    assertThat(XdsServerConfig.load(file).replicaIdOrDefault()).isEqualTo("xds-eu-1");
  }

  @Test
  void load_whenBuildingAheadIsTurnedOff_readsIt() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        buildSidecarsAhead: false
        """);

    assertThat(XdsServerConfig.load(file).buildSidecarsAheadOrDefault()).isFalse();
  }

  @Test
  void load_whenBuildingAheadIsNotABoolean_reportsItsPath() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        buildSidecarsAhead: sometimes
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": buildSidecarsAhead: ");
  }

  @Test
  void load_whenTheReplicaIdIsBlank_reportsIt() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        replicaId: " "
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": replicaId: must not be blank (leave it out for <hostname>-<pid>)");
  }

  @Test
  void load_whenAKeyIsUnknown_reportsItsPath() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000, tls: true}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": ads.tls: Unrecognized field \"tls\"");
  }

  @Test
  void load_whenSeveralFieldsAreWrong_reportsEveryOne() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: "", port: 70000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: soon
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": ads.host: required; ads.port: must be between 0 and 65535; "
            + "coalesceWindow: must be a duration like 100ms or 1s");
  }

  @Test
  void load_whenThePrefixIsInvalid_reportsTheEtcdPath() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: paymesh}
        coalesceWindow: 100ms
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": etcd: ");
  }

  @Test
  void load_whenTheComposeConfig_hasTheCaAndNoPlaintextPort() throws Exception {
    XdsServerConfig config = XdsServerConfig.load(Path.of("../docker/xds-server.compose.yaml"));

    assertThat(config.plaintextAds()).isNull();
    assertThat(config.identity().serverNames()).containsExactly("xds-server");
  }

  @Test
  void load_whenAPlaintextPortIsAskedFor_readsIt() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        plaintextAds: {host: 127.0.0.1, port: 18001}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        """);

    assertThat(XdsServerConfig.load(file).plaintextAds())
        .isEqualTo(new XdsServerConfig.Ads("127.0.0.1", 18001));
  }

  @Test
  void load_whenIdentityIsMissing_saysAdsNeedsIt() throws Exception {
    Path file = write("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": identity: required (the workload CA; ADS is served over mTLS)");
  }

  @Test
  void load_whenIdentityFieldsAreWrong_reportsEveryOne() throws Exception {
    Path file = write("""
        ads: {host: 0.0.0.0, port: 18000}
        identity:
          trustDomain: "Paymesh Local"
          caKey: " "
          trustBundle: []
          workloadCertificateLifetime: 30s
          serverNames: []
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": "
            + "identity.trustDomain: required, lower-case letters, digits, '.', '-', '_'; "
            + "identity.caCertificate: required (PEM file of the signing CA); "
            + "identity.caKey: required (PEM file of the signing CA's private key); "
            + "identity.trustBundle: required, at least one PEM file; "
            + "identity.workloadCertificateLifetime: must be a duration between 5m and 24h, "
            + "like 1h; "
            + "identity.serverNames: required, the DNS names or IPs clients dial");
  }

  @Test
  void load_whenEtcdHasTlsAndAUser_readsThem() throws Exception {
    EtcdTestPki pki = EtcdTestPki.create(dir.resolve("pki"));
    EtcdTls tls = pki.client("paymesh-xds-server");
    Path password = Files.writeString(dir.resolve("etcd.password"), "xds-password\n");
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd:
          endpoints: [https://127.0.0.1:2379]
          prefix: /paymesh/
          tls: {ca: %s, certificate: %s, key: %s}
          auth: {user: paymesh-xds-server, passwordFile: %s}
        coalesceWindow: 100ms
        """.formatted(tls.ca(), tls.certificate(), tls.key(), password));

    XdsServerConfig config = XdsServerConfig.load(file);

    assertThat(config.etcd().tls()).isEqualTo(tls);
    assertThat(config.etcd().auth())
        .isEqualTo(EtcdAuth.passwordFromFile("paymesh-xds-server", password));
    assertThat(config.toString()).doesNotContain("xds-password");
  }

  @Test
  void load_whenEtcdTlsOrAuthIsWrong_reportsEachUnderEtcd() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd:
          endpoints: [https://127.0.0.1:2379]
          prefix: /paymesh/
          tls: {ca: %s, certificate: %s}
          auth: {user: paymesh-xds-server}
        coalesceWindow: 100ms
        """.formatted(dir.resolve("missing-ca.pem"), dir.resolve("cert.pem")));

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": "
            + "etcd.tls.ca: " + dir.resolve("missing-ca.pem") + ": no such file; "
            + "etcd.tls.key: required with a client certificate: the certificate's private key; "
            + "etcd.auth.passwordFile: the password is needed from exactly one source: a file or an"
            + " environment variable");
  }

  @Test
  void load_whenEtcdHasAnInlinePassword_refusesTheKey() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd:
          endpoints: [http://127.0.0.1:2379]
          prefix: /paymesh/
          auth: {user: paymesh-xds-server, password: inline-secret}
        coalesceWindow: 100ms
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": etcd.auth.password: ")
        .hasMessageNotContaining("inline-secret");
  }

  @Test
  void load_whenMetricsAreAskedFor_readsThemWithLoopbackAsTheDefaultHost() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        metrics: {port: 9102}
        """);

    XdsServerConfig.Metrics metrics = XdsServerConfig.load(file).metrics();
    assertThat(metrics.port()).isEqualTo(9102);
    assertThat(metrics.hostOrDefault()).isEqualTo("127.0.0.1");
  }

  @Test
  void load_whenMetricsNameAHost_usesIt() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        metrics: {host: 0.0.0.0, port: 9102}
        """);

    assertThat(XdsServerConfig.load(file).metrics().hostOrDefault()).isEqualTo("0.0.0.0");
  }

  @Test
  void load_whenMetricsLackAPortOrHaveABlankHost_reportsEach() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        metrics: {host: " "}
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": metrics.host: must not be blank (leave it out for 127.0.0.1); "
            + "metrics.port: required (leave out metrics to serve none)");
  }

  @Test
  void load_whenTheMetricsPortIsOutOfRange_reportsIt() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        metrics: {port: 70000}
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(file + ": metrics.port: must be between 0 and 65535");
  }

  @Test
  void load_whenAMetricsKeyIsUnknown_reportsItsPath() throws Exception {
    Path file = writeWithIdentity("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        metrics: {port: 9102, path: /prom}
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": metrics.path: Unrecognized field \"path\"");
  }
}
