package io.paymesh.xds.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.WatchedDirectory;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.paymesh.xds.translate.XdsNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The two file-based SDS documents Envoy reads from the identity directory (workload certificate,
 * trust bundle). They name the stable files and watch the directory, so Envoy reloads on every
 * {@code ..data} swap; built from Envoy's own protos, so no field name can be misspelt.
 */
final class SdsSecretFiles {
  private static final JsonFormat.Printer JSON = JsonFormat.printer()
      .preservingProtoFieldNames()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(Secret.getDescriptor()).build());
  private static final ObjectMapper JSON_TREE = new ObjectMapper();
  private static final YAMLMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();
  private static final String HEADER =
      "# Written by the paymesh workload agent on every renewal; edits are overwritten.\n";

  private SdsSecretFiles() {}

  /** {@link XdsNames#SDS_CERTIFICATE_FILE}: cert.pem and key.pem of {@code dir}. */
  static String certificate(Path dir) {
    Secret secret = Secret.newBuilder()
        .setName(XdsNames.WORKLOAD_CERTIFICATE_SECRET)
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(file(dir, XdsNames.IDENTITY_CERT_FILE))
            .setPrivateKey(file(dir, XdsNames.IDENTITY_KEY_FILE))
            .setWatchedDirectory(watch(dir)))
        .build();
    return yaml(secret);
  }

  /** {@link XdsNames#SDS_TRUST_BUNDLE_FILE}: bundle.pem of {@code dir}. */
  static String trustBundle(Path dir) {
    Secret secret = Secret.newBuilder()
        .setName(XdsNames.MESH_TRUST_BUNDLE_SECRET)
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(file(dir, XdsNames.IDENTITY_BUNDLE_FILE))
            .setWatchedDirectory(watch(dir)))
        .build();
    return yaml(secret);
  }

  private static DataSource file(Path dir, String name) {
    return DataSource.newBuilder().setFilename(dir.resolve(name).toString()).build();
  }

  /** The directory where {@code ..data} is renamed: Envoy reloads on that move. */
  private static WatchedDirectory watch(Path dir) {
    return WatchedDirectory.newBuilder().setPath(dir.toString()).build();
  }

  /** Envoy's file-based SDS format: a DiscoveryResponse with the Secret as its one resource. */
  private static String yaml(Secret secret) {
    DiscoveryResponse response =
        DiscoveryResponse.newBuilder().addResources(Any.pack(secret)).build();
    try {
      return HEADER + YAML.writeValueAsString(JSON_TREE.readTree(JSON.print(response)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Secret is in the type registry", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
