package io.paymesh.xds.configs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.paymesh.xds.translate.XdsNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structural checks of the deployment files that ship next to the code (DESIGN.md section 7):
 * every Envoy bootstrap in envoy-configs/ parses strictly as a v3 Bootstrap and talks ADS to the
 * xds-server the way paymesh expects, the grpc-java bootstrap has what grpc-xds reads, and
 * docker/docker-compose.yml validates with docker-compose.
 */
class EnvoyConfigsTest {

  private static final String XDS_CLUSTER = "xds_cluster";
  private static final int ADS_PORT = 18000;
  private static final String LOOPBACK = "127.0.0.1";
  private static final String HTTP_PROTOCOL_OPTIONS_KEY =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final String DOCKER_COMPOSE = "docker-compose";
  private static final long COMPOSE_TIMEOUT_SECONDS = 60;

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  static List<Path> bootstraps() {
    return RepoFiles.filesEndingWith(RepoFiles.envoyConfigs(), ".yaml", ".yml", ".json");
  }

  /** The bootstraps of proxies that take their whole config from paymesh over ADS. */
  static Stream<Path> meshBootstraps() {
    return Stream.of("sidecar-bootstrap.yaml", "edge-bootstrap.yaml")
        .map(RepoFiles.envoyConfigs()::resolve);
  }

  @Test
  void envoyConfigs_holdsTheSidecarEdgeAndDemoAppBootstraps() {
    assertThat(bootstraps())
        .extracting(p -> p.getFileName().toString())
        .containsExactly("demo-app-bootstrap.yaml", "edge-bootstrap.yaml", "sidecar-bootstrap.yaml");
  }

  @ParameterizedTest
  @MethodSource("bootstraps")
  void everyBootstrap_parsesStrictlyAsEnvoyV3Bootstrap(Path file) throws IOException {
    Bootstrap bootstrap = EnvoyBootstrapParser.parse(file);

    assertThat(bootstrap).isNotEqualTo(Bootstrap.getDefaultInstance());
  }

  @Test
  void parser_whenFieldIsUnknown_rejectsTheBootstrap() {
    assertThatThrownBy(() -> EnvoyBootstrapParser.parseYaml("node: {idd: checkout~1}"))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage("Cannot find field: idd in message envoy.config.core.v3.Node");
  }

  @Test
  void parser_whenAnyTypeIsNotRegistered_rejectsTheBootstrap() {
    String yaml =
        String.join(
            "\n",
            "static_resources:",
            "  clusters:",
            "    - name: c",
            "      typed_extension_protocol_options:",
            "        x:",
            "          \"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.Nope");

    assertThatThrownBy(() -> EnvoyBootstrapParser.parseYaml(yaml))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage(
            "Cannot resolve type: type.googleapis.com/envoy.extensions.upstreams.http.v3.Nope");
  }

  @ParameterizedTest
  @MethodSource("meshBootstraps")
  void meshBootstrap_takesListenersAndClustersFromAdsOverGrpcV3(Path file) throws IOException {
    Bootstrap bootstrap = EnvoyBootstrapParser.parse(file);
    ApiConfigSource ads = bootstrap.getDynamicResources().getAdsConfig();

    assertThat(ads.getApiType()).isEqualTo(ApiConfigSource.ApiType.GRPC);
    assertThat(ads.getTransportApiVersion()).isEqualTo(ApiVersion.V3);
    assertThat(ads.getSetNodeOnFirstMessageOnly()).isTrue();
    assertThat(ads.getGrpcServicesList())
        .singleElement()
        .satisfies(s -> assertThat(s.getEnvoyGrpc().getClusterName()).isEqualTo(XDS_CLUSTER));
    for (ConfigSource source :
        List.of(
            bootstrap.getDynamicResources().getLdsConfig(),
            bootstrap.getDynamicResources().getCdsConfig())) {
      assertThat(source.hasAds()).isTrue();
      assertThat(source.getResourceApiVersion()).isEqualTo(ApiVersion.V3);
    }
  }

  @ParameterizedTest
  @MethodSource("meshBootstraps")
  void meshBootstrap_reachesXdsServersOverHttp2WithKeepalives(Path file) throws IOException {
    Cluster xds = xdsCluster(EnvoyBootstrapParser.parse(file));

    Http2ProtocolOptions http2 =
        xds.getTypedExtensionProtocolOptionsOrThrow(HTTP_PROTOCOL_OPTIONS_KEY)
            .unpack(HttpProtocolOptions.class)
            .getExplicitHttpConfig()
            .getHttp2ProtocolOptions();
    assertThat(http2.getConnectionKeepalive().getInterval().getSeconds()).isPositive();
    assertThat(http2.getConnectionKeepalive().getTimeout().getSeconds()).isPositive();
    assertThat(xds.getUpstreamConnectionOptions().getTcpKeepalive().getKeepaliveTime().getValue())
        .isPositive();
    assertThat(xds.getLoadAssignment().getEndpointsList())
        .flatExtracting(e -> e.getLbEndpointsList())
        .extracting(e -> e.getEndpoint().getAddress().getSocketAddress().getPortValue())
        .isNotEmpty()
        .containsOnly(ADS_PORT);
  }

  @ParameterizedTest
  @MethodSource("meshBootstraps")
  void meshBootstrap_reachesXdsServersOverMtlsWithTheAgentsFiles(Path file) throws IOException {
    Cluster xds = xdsCluster(EnvoyBootstrapParser.parse(file));

    assertThat(xds.getTransportSocket().getName()).isEqualTo(XdsNames.TLS_TRANSPORT_SOCKET);
    CommonTlsContext tls =
        xds.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class)
            .getCommonTlsContext();
    String dir = XdsNames.IDENTITY_DIR;
    assertThat(tls.getTlsParams().getTlsMinimumProtocolVersion())
        .isEqualTo(TlsParameters.TlsProtocol.TLSv1_2);
    // Nothing inline: the certificate and key are files the agent writes, read through SDS.
    assertThat(tls.getTlsCertificatesList()).isEmpty();
    assertThat(tls.getTlsCertificateSdsSecretConfigsList())
        .singleElement()
        .satisfies(sds -> {
          assertThat(sds.getName()).isEqualTo(XdsNames.WORKLOAD_CERTIFICATE_SECRET);
          assertThat(sds.getSdsConfig().getPathConfigSource().getPath())
              .isEqualTo(dir + "/" + XdsNames.SDS_CERTIFICATE_FILE);
          assertThat(sds.getSdsConfig().getPathConfigSource().getWatchedDirectory().getPath())
              .isEqualTo(dir);
        });
    CommonTlsContext.CombinedCertificateValidationContext validation =
        tls.getCombinedValidationContext();
    assertThat(validation.getValidationContextSdsSecretConfig().getName())
        .isEqualTo(XdsNames.MESH_TRUST_BUNDLE_SECRET);
    assertThat(validation.getValidationContextSdsSecretConfig().getSdsConfig()
            .getPathConfigSource().getPath())
        .isEqualTo(dir + "/" + XdsNames.SDS_TRUST_BUNDLE_FILE);
    assertThat(validation.getDefaultValidationContext().getMatchTypedSubjectAltNamesList())
        .singleElement()
        .satisfies(san -> {
          assertThat(san.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.URI);
          assertThat(san.getMatcher().getExact())
              .isEqualTo("spiffe://paymesh.local/paymesh/xds-server");
        });
  }

  @ParameterizedTest
  @MethodSource("meshBootstraps")
  void meshBootstrap_bindsAdminToLoopbackOnly(Path file) throws IOException {
    SocketAddress admin = EnvoyBootstrapParser.parse(file).getAdmin().getAddress().getSocketAddress();

    assertThat(admin.getAddress()).isEqualTo(LOOPBACK);
  }

  @ParameterizedTest
  @MethodSource("meshBootstraps")
  void meshBootstrap_nodePlaceholdersFollowServiceTildeInstance(Path file) throws IOException {
    var node = EnvoyBootstrapParser.parse(file).getNode();

    assertThat(node.getId()).startsWith(node.getCluster() + "~");
  }

  @Test
  void demoAppBootstrap_hasNoAdminInterface() throws IOException {
    Bootstrap demo =
        EnvoyBootstrapParser.parse(RepoFiles.envoyConfigs().resolve("demo-app-bootstrap.yaml"));

    // It shares a network namespace with a sidecar whose admin owns 127.0.0.1:9901.
    assertThat(demo.hasAdmin()).isFalse();
  }

  @Test
  void grpcBootstrap_hasTheFieldsGrpcJavaReads() throws IOException {
    JsonNode bootstrap =
        JSON.readTree(RepoFiles.envoyConfigs().resolve("proxyless/grpc-bootstrap.json").toFile());

    JsonNode server = bootstrap.path("xds_servers").path(0);
    assertThat(bootstrap.path("xds_servers").size()).isEqualTo(1);
    assertThat(server.path("server_uri").asText()).isEqualTo("xds-server:" + ADS_PORT);
    assertThat(server.path("server_features"))
        .extracting(JsonNode::asText)
        .containsExactly("xds_v3");
    assertThat(bootstrap.path("node").path("cluster").asText()).isEqualTo("checkout");
    assertThat(bootstrap.path("node").path("id").asText()).startsWith("checkout~");
    assertThat(bootstrap.path("server_listener_resource_name_template").asText())
        .isEqualTo(XdsNames.SERVER_LISTENER_TEMPLATE);
  }

  @Test
  void grpcBootstrap_usesTheAgentsFilesForAdsAndForTheDataPlane() throws IOException {
    JsonNode bootstrap =
        JSON.readTree(RepoFiles.envoyConfigs().resolve("proxyless/grpc-bootstrap.json").toFile());
    Map<String, String> agentFiles = Map.of(
        "certificate_file", XdsNames.IDENTITY_DIR + "/" + XdsNames.IDENTITY_CERT_FILE,
        "private_key_file", XdsNames.IDENTITY_DIR + "/" + XdsNames.IDENTITY_KEY_FILE,
        "ca_certificate_file", XdsNames.IDENTITY_DIR + "/" + XdsNames.IDENTITY_BUNDLE_FILE);

    // ADS: gRFC A65 tls credentials (read by the proxyless-grpc library in grpc-java).
    JsonNode creds = bootstrap.path("xds_servers").path(0).path("channel_creds");
    assertThat(creds.size()).as("no fallback to insecure credentials").isEqualTo(1);
    assertThat(creds.path(0).path("type").asText()).isEqualTo("tls");
    agentFiles.forEach((field, path) ->
        assertThat(creds.path(0).path("config").path(field).asText()).isEqualTo(path));
    // Data plane: the certificate provider instance the translated clusters and listeners name.
    JsonNode provider =
        bootstrap.path("certificate_providers").path(XdsNames.CERTIFICATE_PROVIDER_INSTANCE);
    assertThat(provider.path("plugin_name").asText()).isEqualTo("file_watcher");
    agentFiles.forEach((field, path) ->
        assertThat(provider.path("config").path(field).asText()).isEqualTo(path));
  }

  @Test
  void dockerCompose_validates() throws Exception {
    Path compose = RepoFiles.root().resolve("docker/docker-compose.yml");

    ComposeResult result = composeConfig(compose);

    assertThat(result.exitCode()).as("docker-compose config output:%n%s", result.output()).isZero();
  }

  @Test
  void dockerCompose_whenFileIsBroken_failsValidation(@TempDir Path dir) throws Exception {
    // Proves dockerCompose_validates can fail: a port must be a number or a port mapping.
    Path compose = dir.resolve("docker-compose.yml");
    Files.writeString(compose, "services:\n  broken:\n    ports: [\"not-a-port\"]\n");

    ComposeResult result = composeConfig(compose);

    assertThat(result.exitCode()).as("docker-compose config output:%n%s", result.output()).isNotZero();
  }

  @Test
  void dockerCompose_mountsOnlyFilesThatExist() throws IOException {
    Path dockerDir = RepoFiles.root().resolve(RepoFiles.DOCKER);
    JsonNode services = YAML.readTree(dockerDir.resolve("docker-compose.yml").toFile()).path("services");

    List<String> missing = new ArrayList<>();
    int mounts = 0;
    for (JsonNode service : services) {
      for (JsonNode volume : service.path("volumes")) {
        String source = volume.asText().split(":", 2)[0];
        if (source.startsWith(".")) {
          mounts++;
          if (!Files.exists(dockerDir.resolve(source).normalize())) {
            missing.add(source);
          }
        }
      }
    }
    assertThat(mounts).isPositive();
    assertThat(missing).isEmpty();
  }

  @Test
  void dockerCompose_runsAnAgentNextToEverySidecar_sharingOnlyItsIdentityVolume()
      throws IOException {
    JsonNode services = YAML.readTree(
        RepoFiles.root().resolve("docker/docker-compose.yml").toFile()).path("services");
    List<String> sidecars = new ArrayList<>();
    services.fieldNames().forEachRemaining(name -> {
      if (name.endsWith("-sidecar")) {
        sidecars.add(name);
      }
    });
    assertThat(sidecars).isNotEmpty();

    for (String sidecar : sidecars) {
      String service = sidecar.substring(0, sidecar.length() - "-sidecar".length());
      JsonNode agent = services.path(service + "-agent");
      assertThat(agent.isMissingNode()).as("agent of %s", service).isFalse();
      List<String> args = new ArrayList<>();
      agent.path("command").forEach(a -> args.add(a.asText()));
      assertThat(args).containsSequence("--service", service);
      String volume = service + "-identity:" + XdsNames.IDENTITY_DIR;
      assertThat(agent.path("volumes").toString()).contains(volume);
      assertThat(services.path(sidecar).path("volumes").toString()).contains(volume + ":ro");
      assertThat(services.path(sidecar).path("depends_on").path(service + "-agent")
          .path("condition").asText()).isEqualTo("service_healthy");
      // No other container mounts a workload's identity.
      services.fields().forEachRemaining(other -> {
        if (!other.getKey().equals(sidecar) && !other.getKey().equals(service + "-agent")) {
          assertThat(other.getValue().path("volumes").toString())
              .as(other.getKey()).doesNotContain(service + "-identity:");
        }
      });
    }
  }

  @Test
  void dockerCompose_edgeGateway_hasItsAgent_theGatewayCertificate_andItsPublicPort()
      throws IOException {
    JsonNode services = YAML.readTree(
        RepoFiles.root().resolve("docker/docker-compose.yml").toFile()).path("services");
    JsonNode edge = services.path("edge");
    List<String> command = new ArrayList<>();
    edge.path("command").forEach(a -> command.add(a.asText()));
    assertThat(command).containsSequence("--service-cluster", "edge");
    List<String> agentArgs = new ArrayList<>();
    services.path("edge-agent").path("command").forEach(a -> agentArgs.add(a.asText()));
    assertThat(agentArgs).containsSequence("--service", "edge");
    assertThat(edge.path("volumes").toString())
        .contains("edge-identity:" + XdsNames.IDENTITY_DIR + ":ro")
        .contains("gateway-certificate:" + XdsNames.GATEWAY_CERT_DIR + ":ro");
    assertThat(edge.path("ports").toString()).contains("8443:8443");
    assertThat(edge.path("depends_on").path("edge-agent").path("condition").asText())
        .isEqualTo("service_healthy");
    // Only the edge and the one-shot that makes it read the gateway's private key.
    services.fields().forEachRemaining(other -> {
      if (!other.getKey().equals("edge") && !other.getKey().equals("gateway-cert-init")) {
        assertThat(other.getValue().path("volumes").toString())
            .as(other.getKey()).doesNotContain("gateway-certificate:");
      }
    });
  }

  private static Cluster xdsCluster(Bootstrap bootstrap) {
    return bootstrap.getStaticResources().getClustersList().stream()
        .filter(c -> c.getName().equals(XDS_CLUSTER))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no static cluster " + XDS_CLUSTER));
  }

  private record ComposeResult(int exitCode, String output) {}

  /** Runs {@code docker-compose -f FILE config -q}; it needs no Docker engine. */
  private static ComposeResult composeConfig(Path compose) throws Exception {
    Process process;
    try {
      process =
          new ProcessBuilder(DOCKER_COMPOSE, "-f", compose.toString(), "config", "-q")
              .redirectErrorStream(true)
              .start();
    } catch (IOException e) {
      return fail(
          DOCKER_COMPOSE + " is not on the PATH. scripts/test and .ci/run install it "
              + "(apt-get install -y docker-compose); the compose file must be validated.",
          e);
    }
    process.getOutputStream().close();
    if (!process.waitFor(COMPOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return fail(DOCKER_COMPOSE + " config did not finish in " + COMPOSE_TIMEOUT_SECONDS + "s");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new ComposeResult(process.exitValue(), output);
  }
}
