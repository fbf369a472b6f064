package io.paymesh.xds.configs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.paymesh.config.store.EtcdTls;
import io.paymesh.config.testing.EtcdTestPki;
import io.paymesh.xds.XdsServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker/kubernetes/ parsed strictly with fabric8's Kubernetes model (unknown fields and kinds
 * fail), and the facts an operator of a payment platform relies on: hardened containers with
 * limits, xds-server replicas behind a disruption budget and ready only once serving, images as
 * in docker-compose, the Envoy bootstraps as in envoy-configs/, ports that line up, and
 * NetworkPolicies that select the pods they mean.
 */
class KubernetesManifestsTest {

  private static final int ADS_PORT = 18000;
  private static final String CONTROL_PLANE = "paymesh-system";
  private static final String WORKLOADS = "payments";
  private static final String NAME_LABEL = "app.kubernetes.io/name";

  private static List<HasMetadata> objects;

  @BeforeAll
  static void parseAll() throws IOException {
    objects = KubernetesManifests.all();
  }

  static List<Path> manifestFiles() {
    return KubernetesManifests.files();
  }

  @ParameterizedTest
  @MethodSource("manifestFiles")
  void everyManifest_parsesStrictlyIntoTheKubernetesModel(Path file) throws IOException {
    assertThat(KubernetesManifests.parse(file)).isNotEmpty();
  }

  @Test
  void parser_whenFieldIsUnknown_rejectsTheDocument() throws IOException {
    JsonNode document = new YAMLMapper().readTree(String.join("\n",
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata: {name: x}",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        "        - name: x",
        "          securityContext: {readOnlyRootFs: true}"));

    assertThatThrownBy(() -> KubernetesManifests.parseDocument(document, "test.yaml document 0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("test.yaml document 0 (apps/v1/Deployment): ")
        .hasMessageContaining("readOnlyRootFs");
  }

  @Test
  void parser_whenKindIsNotListed_rejectsTheDocument() throws IOException {
    JsonNode secret = new YAMLMapper().readTree(
        "{apiVersion: v1, kind: Secret, metadata: {name: ca}, stringData: {ca-key.pem: x}}");

    assertThatThrownBy(() -> KubernetesManifests.parseDocument(secret, "ca.yaml document 0"))
        .hasMessageStartingWith("ca.yaml document 0: kind v1/Secret is not one the manifests");
  }

  @Test
  void manifests_holdTheControlPlaneAndTheDemoService() {
    assertThat(names(Deployment.class))
        .containsExactlyInAnyOrder(CONTROL_PLANE + "/xds-server", CONTROL_PLANE + "/admin-api",
            WORKLOADS + "/payments-v1");
    assertThat(names(PodDisruptionBudget.class)).containsExactly(CONTROL_PLANE + "/xds-server");
  }

  @Test
  void manifests_holdNoKeyMaterial() throws IOException {
    for (Path file : manifestFiles()) {
      assertThat(Files.readString(file)).as(file.toString())
          .doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
    }
  }

  @Test
  void everyContainer_runsHardenedWithLimits() {
    for (Deployment deployment : all(Deployment.class)) {
      PodSpec pod = deployment.getSpec().getTemplate().getSpec();
      String where = name(deployment);
      assertThat(pod.getHostNetwork()).as(where + " hostNetwork").isNotEqualTo(Boolean.TRUE);
      assertThat(pod.getAutomountServiceAccountToken()).as(where + " automount").isFalse();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(where).isTrue();
      assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(containers(pod)).as(where).isNotEmpty().allSatisfy(container -> {
        String at = where + "/" + container.getName();
        SecurityContext security = container.getSecurityContext();
        assertThat(security).as(at + " securityContext").isNotNull();
        assertThat(security.getRunAsNonRoot()).as(at + " runAsNonRoot").isTrue();
        assertThat(security.getReadOnlyRootFilesystem()).as(at + " readOnlyRootFilesystem").isTrue();
        assertThat(security.getAllowPrivilegeEscalation()).as(at + " allowPrivilegeEscalation").isFalse();
        assertThat(security.getPrivileged()).as(at + " privileged").isNotEqualTo(Boolean.TRUE);
        assertThat(security.getCapabilities().getDrop()).as(at + " capabilities").containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).as(at + " capabilities.add").isNullOrEmpty();
        assertThat(container.getResources().getRequests()).as(at + " requests").containsKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).as(at + " limits").containsKeys("cpu", "memory");
      });
    }
    assertThat(all(ServiceAccount.class))
        .allSatisfy(account -> assertThat(account.getAutomountServiceAccountToken()).isFalse());
  }

  @Test
  void xdsServer_runsReplicasReadyOnlyWhenServingAndKeepsOneThroughDisruptions() {
    Deployment xds = deployment(CONTROL_PLANE, "xds-server");
    assertThat(xds.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
    Container server = container(xds, "xds-server");
    assertThat(containerPorts(server)).containsEntry("grpc-ads", ADS_PORT);

    List<String> readiness = server.getReadinessProbe().getExec().getCommand();
    assertThat(readiness).contains(io.paymesh.xds.tools.HealthProbeMain.class.getName(),
        "127.0.0.1:" + ADS_PORT).doesNotContain("--live");
    List<String> liveness = server.getLivenessProbe().getExec().getCommand();
    assertThat(liveness).contains(io.paymesh.xds.tools.HealthProbeMain.class.getName(), "--live");

    PodDisruptionBudget budget = all(PodDisruptionBudget.class).get(0);
    assertThat(budget.getSpec().getMinAvailable().getIntVal()).isBetween(1, xds.getSpec().getReplicas() - 1);
    assertThat(KubernetesManifests.selects(budget.getSpec().getSelector(), podLabels(xds))).isTrue();
  }

  @Test
  void xdsServerConfig_loadsAndMatchesTheContainerPorts(@TempDir Path dir) throws IOException {
    // The replica checks at load that the etcd client files are PEM of the right kind: real
    // ones where the pod mounts the Secret paymesh-etcd-xds-server.
    EtcdTls client = EtcdTestPki.create(dir.resolve("pki")).client("paymesh-xds-server");
    Path password = Files.writeString(dir.resolve("password"), "stand-in\n");
    String yaml = configMap(CONTROL_PLANE, "xds-server-config").getData().get("xds-server.yaml");
    Map<String, String> mounted = Map.of(
        "/etc/paymesh/etcd/ca.pem", client.ca(),
        "/etc/paymesh/etcd/client.pem", client.certificate(),
        "/etc/paymesh/etcd/client-key.pem", client.key(),
        "/etc/paymesh/etcd/password", password.toString());
    for (var file : mounted.entrySet()) {
      assertThat(yaml).contains(file.getKey());
      yaml = yaml.replace(file.getKey(), file.getValue());
    }
    Path file = dir.resolve("xds-server.yaml");
    Files.writeString(file, yaml);

    XdsServerConfig config = XdsServerConfig.load(file);

    Map<String, Integer> ports = containerPorts(container(deployment(CONTROL_PLANE, "xds-server"), "xds-server"));
    assertThat(config.ads().port()).isEqualTo(ports.get("grpc-ads"));
    assertThat(config.metrics().port()).isEqualTo(ports.get("metrics"));
    assertThat(config.etcd().endpoints()).allSatisfy(e -> assertThat(e).startsWith("https://"));
    assertThat(config.etcd().tls()).isNotNull();
    // The in-pod probe dials 127.0.0.1 and verifies that name in the replica's certificate.
    assertThat(config.identity().serverNames()).contains("127.0.0.1", "xds-server");
  }

  @Test
  void adminApi_bindsAllInterfacesAndTakesTokenHashesFromASecret() throws IOException {
    Deployment admin = deployment(CONTROL_PLANE, "admin-api");
    String text = configMap(CONTROL_PLANE, "admin-api-config").getData().get("admin-api.yaml");
    JsonNode config = new YAMLMapper().readTree(text);

    assertThat(config.at("/server/applicationConnectors/0/bindHost").asText()).isEqualTo("0.0.0.0");
    assertThat(config.at("/server/adminConnectors/0/bindHost").asText()).isEqualTo("0.0.0.0");
    assertThat(config.at("/etcd/tls/key").isMissingNode()).isFalse();
    Map<String, String> fromSecrets = container(admin, "admin-api").getEnv().stream()
        .filter(env -> env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null)
        .collect(Collectors.toMap(env -> env.getName(), env -> env.getValueFrom().getSecretKeyRef().getName()));
    // Dropwizard substitutes strictly and everywhere, comments included: every ${NAME} must be
    // set, and here only from the Secret.
    Matcher substitution = Pattern.compile("\\$\\{([^}]*)}").matcher(text);
    while (substitution.find()) {
      assertThat(fromSecrets).as(substitution.group()).containsKey(substitution.group(1));
    }
    assertThat(config.get("tokens")).isNotEmpty().allSatisfy(token -> {
      Matcher variable = Pattern.compile("\\$\\{(\\w+)}").matcher(token.get("sha256").asText());
      assertThat(variable.matches()).as(token.toString()).isTrue();
      assertThat(fromSecrets).containsEntry(variable.group(1), "paymesh-admin-tokens");
    });
  }

  @Test
  void images_areTheOnesDockerComposeBuildsOrPulls() throws IOException {
    Set<String> composeImages = composeImages();
    for (Deployment deployment : all(Deployment.class)) {
      assertThat(containers(deployment.getSpec().getTemplate().getSpec()))
          .allSatisfy(c -> assertThat(c.getImage()).as(name(deployment) + "/" + c.getName()).isIn(composeImages));
    }
    assertThat(container(deployment(CONTROL_PLANE, "xds-server"), "xds-server").getImage())
        .isEqualTo("paymesh/xds-server:dev");
    assertThat(container(deployment(CONTROL_PLANE, "admin-api"), "admin-api").getImage())
        .isEqualTo("paymesh/admin-api:dev");
  }

  @Test
  void envoyBootstrapsConfigMap_holdsTheFilesOfEnvoyConfigsByteForByte() throws IOException {
    Map<String, String> data = configMap(WORKLOADS, "envoy-bootstraps").getData();

    assertThat(data).containsOnlyKeys("sidecar-bootstrap.yaml", "demo-app-bootstrap.yaml");
    for (var entry : data.entrySet()) {
      assertThat(entry.getValue())
          .as("%s: re-run scripts/kubernetes-configmaps", entry.getKey())
          .isEqualTo(Files.readString(RepoFiles.envoyConfigs().resolve(entry.getKey())));
    }
  }

  @Test
  void demoService_runsAppSidecarAndAgentSharingTheIdentityInMemory() {
    Deployment payments = deployment(WORKLOADS, "payments-v1");
    PodSpec pod = payments.getSpec().getTemplate().getSpec();
    Container agent = pod.getInitContainers().get(0);
    assertThat(agent.getRestartPolicy()).as("native sidecar").isEqualTo("Always");
    assertThat(agent.getCommand()).contains("io.paymesh.xds.agent.WorkloadAgentMain");
    assertThat(agent.getArgs()).contains("--join-token-file").doesNotContain("--join-token");
    assertThat(agent.getStartupProbe().getExec().getCommand()).contains("/var/run/paymesh/identity/cert.pem");
    assertThat(pod.getContainers()).extracting(Container::getName).containsExactly("app", "envoy-sidecar");

    Volume identity = volume(pod, "identity");
    assertThat(identity.getEmptyDir().getMedium()).isEqualTo("Memory");
    assertThat(containers(pod).stream()
        .filter(c -> c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("identity")))
        .map(Container::getName)).containsExactlyInAnyOrder("workload-agent", "envoy-sidecar");
    assertThat(volume(pod, "join-token").getSecret().getSecretName()).isEqualTo("payments-v1-join-token");

    Container sidecar = container(payments, "envoy-sidecar");
    assertThat(sidecar.getArgs()).containsSubsequence("--service-cluster", "payments-v1")
        .contains("payments-v1~$(POD_NAME)");
    assertThat(volume(pod, "envoy-bootstraps").getConfigMap().getName()).isEqualTo("envoy-bootstraps");
  }

  @Test
  void everyService_selectsPodsThatExposeItsTargetPort() {
    for (Service service : all(Service.class)) {
      if ("ExternalName".equals(service.getSpec().getType())) {
        assertThat(service.getSpec().getExternalName())
            .isEqualTo("xds-server." + CONTROL_PLANE + ".svc.cluster.local");
        continue;
      }
      List<Deployment> selected = all(Deployment.class).stream()
          .filter(d -> namespace(d).equals(namespace(service)))
          .filter(d -> podLabels(d).entrySet().containsAll(service.getSpec().getSelector().entrySet()))
          .toList();
      assertThat(selected).as(name(service)).hasSize(1);
      Map<String, Integer> ports = new java.util.HashMap<>();
      containers(selected.get(0).getSpec().getTemplate().getSpec()).forEach(c -> ports.putAll(containerPorts(c)));
      for (ServicePort port : service.getSpec().getPorts()) {
        assertThat(resolve(port.getTargetPort(), ports)).as(name(service) + " " + port.getName())
            .isEqualTo(port.getPort());
      }
    }
    assertThat(service(CONTROL_PLANE, "xds-server").getSpec().getClusterIP())
        .as("headless, for the sidecars' STRICT_DNS").isEqualTo("None");
  }

  @Test
  void networkPolicies_admitAdsFromSidecarsOnlyAndSelectRealPods() {
    for (NetworkPolicy policy : all(NetworkPolicy.class)) {
      // An empty podSelector selects every pod of the namespace.
      List<Deployment> selected = selected(namespace(policy), policy);
      assertThat(selected).as(name(policy) + " selects no pod").isNotEmpty();
      for (NetworkPolicyIngressRule rule : nullToEmpty(policy.getSpec().getIngress())) {
        for (NetworkPolicyPort port : rule.getPorts()) {
          assertThat(selected).as(name(policy) + " port " + port.getPort().getIntVal())
              .anyMatch(d -> exposes(d, port.getPort().getIntVal()));
        }
      }
    }
    assertThat(namespaceDefaultDeny()).containsExactlyInAnyOrder(CONTROL_PLANE, WORKLOADS);

    NetworkPolicy ads = networkPolicy(CONTROL_PLANE, "xds-server-ads");
    assertThat(selected(CONTROL_PLANE, ads)).extracting(this::name).containsExactly(CONTROL_PLANE + "/xds-server");
    NetworkPolicyIngressRule rule = ads.getSpec().getIngress().get(0);
    assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(ADS_PORT);
    NetworkPolicyPeer peer = rule.getFrom().get(0);
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.entry("kubernetes.io/metadata.name", WORKLOADS));
    assertThat(KubernetesManifests.selects(peer.getPodSelector(), podLabels(deployment(WORKLOADS, "payments-v1")))).isTrue();
    assertThat(KubernetesManifests.selects(peer.getPodSelector(), podLabels(deployment(CONTROL_PLANE, "admin-api")))).isFalse();

    NetworkPolicy admin = networkPolicy(CONTROL_PLANE, "admin-api");
    assertThat(admin.getSpec().getIngress()).singleElement().satisfies(r -> {
      assertThat(r.getFrom()).allSatisfy(p -> assertThat(p.getNamespaceSelector()).isNull());
      assertThat(KubernetesManifests.selects(r.getFrom().get(0).getPodSelector(),
          podLabels(deployment(WORKLOADS, "payments-v1")))).isFalse();
    });
  }

  // --- helpers

  private List<Deployment> selected(String namespace, NetworkPolicy policy) {
    return all(Deployment.class).stream()
        .filter(d -> namespace(d).equals(namespace))
        .filter(d -> KubernetesManifests.selects(policy.getSpec().getPodSelector(), podLabels(d)))
        .toList();
  }

  private Set<String> namespaceDefaultDeny() {
    return all(NetworkPolicy.class).stream()
        .filter(p -> nullToEmpty(p.getSpec().getPodSelector().getMatchLabels()).isEmpty()
            && nullToEmpty(p.getSpec().getPodSelector().getMatchExpressions()).isEmpty())
        .filter(p -> p.getSpec().getPolicyTypes().contains("Ingress")
            && nullToEmpty(p.getSpec().getIngress()).isEmpty())
        .map(KubernetesManifestsTest::namespace)
        .collect(Collectors.toSet());
  }

  private static boolean exposes(Deployment deployment, int port) {
    return containers(deployment.getSpec().getTemplate().getSpec()).stream()
        .anyMatch(c -> containerPorts(c).containsValue(port));
  }

  private static int resolve(IntOrString target, Map<String, Integer> ports) {
    if (target.getStrVal() != null) {
      assertThat(ports).as("named targetPort " + target.getStrVal()).containsKey(target.getStrVal());
      return ports.get(target.getStrVal());
    }
    return target.getIntVal();
  }

  private static Set<String> composeImages() throws IOException {
    Matcher image = Pattern.compile("(?m)^\\s*image:\\s*(\\S+)\\s*$")
        .matcher(Files.readString(RepoFiles.root().resolve(RepoFiles.DOCKER).resolve("docker-compose.yml")));
    Set<String> images = new java.util.HashSet<>();
    while (image.find()) {
      images.add(image.group(1));
    }
    assertThat(images).contains("paymesh/xds-server:dev", "paymesh/admin-api:dev");
    return images;
  }

  private static List<Container> containers(PodSpec pod) {
    List<Container> containers = new ArrayList<>(nullToEmpty(pod.getInitContainers()));
    containers.addAll(pod.getContainers());
    return containers;
  }

  private static Map<String, Integer> containerPorts(Container container) {
    return nullToEmpty(container.getPorts()).stream()
        .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
  }

  private static Map<String, String> podLabels(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getLabels();
  }

  private static Container container(Deployment deployment, String name) {
    return containers(deployment.getSpec().getTemplate().getSpec()).stream()
        .filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  private static <T> List<T> nullToEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static <T extends HasMetadata> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  private static <T extends HasMetadata> T find(Class<T> kind, String namespace, String name) {
    return all(kind).stream()
        .filter(o -> namespace(o).equals(namespace) && o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + namespace + "/" + name));
  }

  private static Deployment deployment(String namespace, String name) {
    return find(Deployment.class, namespace, name);
  }

  private static Service service(String namespace, String name) {
    return find(Service.class, namespace, name);
  }

  private static ConfigMap configMap(String namespace, String name) {
    return find(ConfigMap.class, namespace, name);
  }

  private static NetworkPolicy networkPolicy(String namespace, String name) {
    return find(NetworkPolicy.class, namespace, name);
  }

  private static String namespace(HasMetadata object) {
    return String.valueOf(object.getMetadata().getNamespace());
  }

  private String name(HasMetadata object) {
    return namespace(object) + "/" + object.getMetadata().getName();
  }

  private static <T extends HasMetadata> List<String> names(Class<T> kind) {
    return all(kind).stream().map(o -> namespace(o) + "/" + o.getMetadata().getName()).toList();
  }
}
