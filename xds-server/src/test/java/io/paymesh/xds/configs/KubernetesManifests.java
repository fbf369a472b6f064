package io.paymesh.xds.configs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads docker/kubernetes/ into fabric8's Kubernetes model, strictly: a document of a kind not
 * listed here, or with a field the model does not know (a typo such as {@code readOnlyRootFs}),
 * is an error naming the file and document. fabric8 keeps unknown fields in each object's
 * {@code additionalProperties} through a {@code @JsonAnySetter}; this reader turns that off, so
 * Jackson's unknown-property failure applies everywhere.
 */
final class KubernetesManifests {

  static final String DIR = "kubernetes";

  /** The kinds the manifests may hold, by apiVersion/kind; a Secret is deliberately absent. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "v1/Namespace", Namespace.class,
      "v1/ServiceAccount", ServiceAccount.class,
      "v1/ConfigMap", ConfigMap.class,
      "v1/Service", Service.class,
      "apps/v1/Deployment", Deployment.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
      "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class);

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonMapper MODEL = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .annotationIntrospector(new NoAnySetter())
      .build();

  private KubernetesManifests() {}

  static Path dir() {
    return RepoFiles.root().resolve(RepoFiles.DOCKER).resolve(DIR);
  }

  static List<Path> files() {
    return RepoFiles.filesEndingWith(dir(), ".yaml", ".yml");
  }

  /** Every document of every manifest file. */
  static List<HasMetadata> all() throws IOException {
    List<HasMetadata> all = new ArrayList<>();
    for (Path file : files()) {
      all.addAll(parse(file));
    }
    return all;
  }

  static List<HasMetadata> parse(Path file) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile())) {
      int index = 0;
      for (var documents = YAML.readValues(parser, JsonNode.class); documents.hasNext(); index++) {
        JsonNode document = documents.next();
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        objects.add(parseDocument(document, file.getFileName() + " document " + index));
      }
    }
    return objects;
  }

  static HasMetadata parseDocument(JsonNode document, String where) {
    String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
    Class<? extends HasMetadata> kind = KINDS.get(type);
    if (kind == null) {
      throw new IllegalArgumentException(where + ": kind " + type + " is not one the manifests "
          + "may hold (" + KINDS.keySet() + ")");
    }
    try {
      return MODEL.readValue(document.toString(), kind);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + " (" + type + "): " + e.getMessage(), e);
    }
  }

  /** True when {@code selector} selects a pod with {@code labels} (matchLabels and matchExpressions). */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    Map<String, String> required = selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels();
    for (var entry : required.entrySet()) {
      if (!entry.getValue().equals(labels.get(entry.getKey()))) {
        return false;
      }
    }
    List<LabelSelectorRequirement> expressions =
        selector.getMatchExpressions() == null ? List.of() : selector.getMatchExpressions();
    for (LabelSelectorRequirement requirement : expressions) {
      String value = labels.get(requirement.getKey());
      boolean matches = switch (requirement.getOperator()) {
        case "In" -> value != null && requirement.getValues().contains(value);
        case "NotIn" -> value == null || !requirement.getValues().contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> throw new IllegalArgumentException("unknown operator " + requirement.getOperator());
      };
      if (!matches) {
        return false;
      }
    }
    return true;
  }

  /** fabric8's {@code @JsonAnySetter} would keep unknown fields instead of failing on them. */
  private static final class NoAnySetter extends JacksonAnnotationIntrospector {
    @Override
    public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
      return Boolean.FALSE;
    }
  }
}
