package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.grpc.Status;
import io.grpc.xds.internal.security.certprovider.CertificateProvider;
import io.grpc.xds.internal.security.certprovider.CertificateProviderStore;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.translate.XdsNames;
import java.io.Closeable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doc's consumer configuration works with the agent's files: its Envoy TLS context parses
 * strictly and names the agent's Secrets and directory, and grpc-java's file_watcher configured
 * as documented loads the files and follows a renewal without a restart.
 */
class WorkloadAgentConsumersTest {
  private static final Pattern FENCE = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

  @TempDir
  Path tmp;

  private AgentTestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = new AgentTestBed(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    bed.close();
  }

  @Test
  void envoyTlsContextOfTheDoc_parsesStrictly_andUsesTheAgentsSecretsAndDirectory() throws Exception {
    String yaml = docBlock("yaml", "tls_certificate_sds_secret_configs");
    String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml));
    UpstreamTlsContext.Builder context = UpstreamTlsContext.newBuilder();
    JsonFormat.parser().merge(json, context); // strict: unknown fields fail

    CommonTlsContext common = context.getCommonTlsContext();
    assertThat(common.getTlsCertificateSdsSecretConfigsList()).hasSize(1);
    assertThat(common.getTlsCertificateSdsSecretConfigs(0).getName())
        .isEqualTo(XdsNames.WORKLOAD_CERTIFICATE_SECRET);
    assertFileSds(common.getTlsCertificateSdsSecretConfigs(0).getSdsConfig(),
        XdsNames.SDS_CERTIFICATE_FILE);
    assertThat(common.getValidationContextSdsSecretConfig().getName())
        .isEqualTo(XdsNames.MESH_TRUST_BUNDLE_SECRET);
    assertFileSds(common.getValidationContextSdsSecretConfig().getSdsConfig(),
        XdsNames.SDS_TRUST_BUNDLE_FILE);
  }

  private static void assertFileSds(ConfigSource source, String file) {
    assertThat(source.getPathConfigSource().getPath())
        .isEqualTo(Path.of(XdsNames.IDENTITY_DIR, file).toString());
    assertThat(source.getPathConfigSource().getWatchedDirectory().getPath())
        .isEqualTo(XdsNames.IDENTITY_DIR);
  }

  @Test
  void grpcFileWatcherConfiguredAsTheDocSays_loadsTheFiles_andFollowsARenewal() throws Exception {
    Map<?, ?> providers = (Map<?, ?>) new ObjectMapper()
        .readValue("{" + docBlock("json", "certificate_providers") + "}", Map.class)
        .get("certificate_providers");
    Map<?, ?> instance = (Map<?, ?>) providers.get(XdsNames.CERTIFICATE_PROVIDER_INSTANCE);
    assertThat(instance.get("plugin_name")).isEqualTo("file_watcher");
    Map<String, Object> config = new HashMap<>();
    ((Map<?, ?>) instance.get("config")).forEach((k, v) ->
        config.put((String) k, ((String) v).replace(XdsNames.IDENTITY_DIR, bed.dir.toString())));
    assertThat(config.get("certificate_file")).isEqualTo(bed.dir.resolve("cert.pem").toString());
    config.put("refresh_interval", "1s"); // the doc's 60 s, shortened for the test

    try (WorkloadAgent agent = bed.agent()) {
      agent.start();
      RecordingWatcher watcher = new RecordingWatcher();
      try (Closeable provider = CertificateProviderStore.getInstance().createOrGetProvider(
          "agent-test-" + System.nanoTime(), "file_watcher", config, watcher, true)) {
        await().atMost(Duration.ofSeconds(10))
            .until(() -> agent.currentCertificate().equals(watcher.leaf.get()));
        assertThat(watcher.roots.get()).containsExactly(bed.pki.root());

        agent.renewNow();

        await().atMost(Duration.ofSeconds(10))
            .until(() -> agent.currentCertificate().equals(watcher.leaf.get()));
        assertThat(watcher.problem.get()).isNull();
      }
    }
  }

  /** Records what grpc-java's provider hands to a TLS context: certificate, key, roots. */
  private static final class RecordingWatcher implements CertificateProvider.Watcher {
    final AtomicReference<X509Certificate> leaf = new AtomicReference<>();
    final AtomicReference<List<X509Certificate>> roots = new AtomicReference<>();
    final AtomicReference<String> problem = new AtomicReference<>();

    @Override
    public void updateCertificate(PrivateKey key, List<X509Certificate> chain) {
      if (!Certificates.isPair(key, chain.get(0).getPublicKey())) {
        problem.set("gRPC was given a key that is not the certificate's");
      }
      leaf.set(chain.get(0));
    }

    @Override
    public void updateTrustedRoots(List<X509Certificate> trustedRoots) {
      roots.set(trustedRoots);
    }

    @Override
    public void updateSpiffeTrustMap(Map<String, List<X509Certificate>> spiffeTrustMap) {
      problem.set("unexpected SPIFFE trust map");
    }

    @Override
    public void onError(Status status) {
      problem.set("file watcher error: " + status);
    }
  }

  /** The fenced block of {@code language} in docs/workload-agent.md that contains {@code needle}. */
  private static String docBlock(String language, String needle) throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("docs/workload-agent.md"))) {
      dir = dir.getParent();
      assertThat(dir).as("docs/workload-agent.md above the working directory").isNotNull();
    }
    Matcher m = FENCE.matcher(Files.readString(dir.resolve("docs/workload-agent.md")));
    while (m.find()) {
      if (m.group(1).equals(language) && m.group(2).contains(needle)) {
        return m.group(2);
      }
    }
    throw new AssertionError("no ```" + language + " block with " + needle + " in the doc");
  }
}
