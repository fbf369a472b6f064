package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XdsServerConfigTest {
  @TempDir Path dir;

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
    assertThat(config.replicaIdOrDefault())
        .isEqualTo(XdsServerConfig.defaultReplicaId())
        .endsWith("-" + ProcessHandle.current().pid());
  }

  @Test
  void load_whenAReplicaIdIsGiven_usesIt() throws Exception {
    Path file = write("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
        coalesceWindow: 100ms
        replicaId: xds-eu-1
        """);

    assertThat(XdsServerConfig.load(file).replicaIdOrDefault()).isEqualTo("xds-eu-1");
  }

  @Test
  void load_whenTheReplicaIdIsBlank_reportsIt() throws Exception {
    Path file = write("""
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
    Path file = write("""
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
    Path file = write("""
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
    Path file = write("""
        ads: {host: 0.0.0.0, port: 18000}
        etcd: {endpoints: [http://127.0.0.1:2379], prefix: paymesh}
        coalesceWindow: 100ms
        """);

    assertThatThrownBy(() -> XdsServerConfig.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ": etcd: ");
  }
}
