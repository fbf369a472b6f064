package io.paymesh.xds.configs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads an Envoy bootstrap file (YAML or JSON) the way Envoy does, but strictly: YAML becomes
 * JSON, then protobuf's JSON parser rejects any unknown field or unregistered {@code @type}.
 * A typo in a bootstrap therefore fails a test here instead of an Envoy start in production.
 */
final class EnvoyBootstrapParser {

  /** Every {@code Any} payload the checked-in bootstraps use; add new ones here. */
  static final JsonFormat.TypeRegistry TYPES =
      JsonFormat.TypeRegistry.newBuilder()
          .add(HttpProtocolOptions.getDescriptor())
          .add(HttpConnectionManager.getDescriptor())
          .add(Router.getDescriptor())
          .add(DownstreamConnectionsConfig.getDescriptor())
          .add(UpstreamTlsContext.getDescriptor())
          .build();

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private EnvoyBootstrapParser() {}

  static Bootstrap parse(Path file) throws IOException {
    // YAMLMapper reads JSON too (JSON is a subset of YAML 1.2 for these files).
    return parseJson(JSON.writeValueAsString(YAML.readTree(file.toFile())));
  }

  static Bootstrap parseYaml(String yaml) throws IOException {
    JsonNode tree = YAML.readTree(yaml);
    return parseJson(JSON.writeValueAsString(tree));
  }

  private static Bootstrap parseJson(String json) throws InvalidProtocolBufferException {
    Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
    // Deliberately no ignoringUnknownFields(): strictness is the point.
    JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, bootstrap);
    return bootstrap.build();
  }
}
