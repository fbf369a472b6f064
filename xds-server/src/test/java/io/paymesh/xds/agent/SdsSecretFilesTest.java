package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.paymesh.xds.testing.TestPki;
import io.paymesh.xds.translate.XdsNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDS files parse strictly as Envoy's file-based SDS format (a DiscoveryResponse holding one
 * Secret; unknown fields and types rejected), and point at the stable names and the directory.
 */
class SdsSecretFilesTest {
  private static final JsonFormat.Parser STRICT = JsonFormat.parser()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(Secret.getDescriptor()).build());

  @TempDir
  Path tmp;

  static Secret parseSecretFile(Path file) throws Exception {
    String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(file.toFile()));
    DiscoveryResponse.Builder response = DiscoveryResponse.newBuilder();
    STRICT.merge(json, response); // no ignoringUnknownFields(): a misspelt field fails here
    assertThat(response.getResourcesCount()).isEqualTo(1);
    return response.getResources(0).unpack(Secret.class);
  }

  @Test
  void certificateSecret_namesCertAndKeyAndWatchesTheDirectory() throws Exception {
    Path dir = tmp.resolve("identity");
    new IdentityStore(dir, Clock.systemUTC())
        .write(AgentTestBed.identity(
            TestPki.create(tmp.resolve("pki"), "sds", Instant.now()), Duration.ofHours(1)));

    Secret secret = parseSecretFile(dir.resolve(XdsNames.SDS_CERTIFICATE_FILE));

    assertThat(secret.getName()).isEqualTo(XdsNames.WORKLOAD_CERTIFICATE_SECRET);
    assertThat(secret.getTlsCertificate().getCertificateChain().getFilename())
        .isEqualTo(dir.resolve("cert.pem").toString());
    assertThat(secret.getTlsCertificate().getPrivateKey().getFilename())
        .isEqualTo(dir.resolve("key.pem").toString());
    assertThat(secret.getTlsCertificate().getWatchedDirectory().getPath()).isEqualTo(dir.toString());
    // The files Envoy is sent to exist, through the stable links.
    assertThat(Path.of(secret.getTlsCertificate().getCertificateChain().getFilename())).isRegularFile();
    assertThat(Path.of(secret.getTlsCertificate().getPrivateKey().getFilename())).isRegularFile();
  }

  @Test
  void trustBundleSecret_namesTheBundleAndWatchesTheDirectory() throws Exception {
    Path dir = tmp.resolve("identity");
    new IdentityStore(dir, Clock.systemUTC())
        .write(AgentTestBed.identity(
            TestPki.create(tmp.resolve("pki"), "sds", Instant.now()), Duration.ofHours(1)));

    Secret secret = parseSecretFile(dir.resolve(XdsNames.SDS_TRUST_BUNDLE_FILE));

    assertThat(secret.getName()).isEqualTo(XdsNames.MESH_TRUST_BUNDLE_SECRET);
    assertThat(secret.getValidationContext().getTrustedCa().getFilename())
        .isEqualTo(dir.resolve("bundle.pem").toString());
    assertThat(secret.getValidationContext().getWatchedDirectory().getPath())
        .isEqualTo(dir.toString());
    assertThat(Path.of(secret.getValidationContext().getTrustedCa().getFilename())).isRegularFile();
  }

  @Test
  void strictParse_rejectsAMisspeltField() throws Exception {
    Path file = tmp.resolve("typo.yaml");
    Files.writeString(file,
        SdsSecretFiles.certificate(tmp).replace("watched_directory", "watch_directory"));

    assertThatThrownBy(() -> parseSecretFile(file))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("watch_directory");
  }

  @Test
  void yaml_usesEnvoysSnakeCaseFieldNames() {
    assertThat(SdsSecretFiles.certificate(Path.of("/var/run/paymesh/identity")))
        .contains("'@type': type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret")
        .contains("tls_certificate:")
        .contains("certificate_chain:")
        .contains("filename: /var/run/paymesh/identity/cert.pem")
        .doesNotContain("tlsCertificate");
  }
}
