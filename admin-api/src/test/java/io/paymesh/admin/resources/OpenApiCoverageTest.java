package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.paymesh.admin.http.StrictQueryParameters;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.File;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Keeps the hand-written openapi.yaml and the code in step: every JAX-RS resource method (path
 * and HTTP method, found by reflection over the resources package) is described, and every
 * described operation exists.
 */
class OpenApiCoverageTest {

  private static final String PACKAGE = "io.paymesh.admin.resources";
  private static final Map<Class<? extends Annotation>, String> METHODS = Map.of(
      GET.class, "get", PUT.class, "put", POST.class, "post", DELETE.class, "delete",
      PATCH.class, "patch", HEAD.class, "head", OPTIONS.class, "options");
  private static final List<String> OPENAPI_METHODS =
      List.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  void openApi_describesExactlyTheResourceMethods() throws Exception {
    TreeSet<String> inCode = new TreeSet<>(operationsInCode().keySet());

    TreeSet<String> described = new TreeSet<>();
    JsonNode paths;
    try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.RESOURCE)) {
      paths = new YAMLMapper().readTree(in).path("paths");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (String method : OPENAPI_METHODS) {
        if (path.getValue().has(method)) {
          described.add(method + " " + path.getKey());
        }
      }
    }

    assertThat(inCode).hasSizeGreaterThanOrEqualTo(10);
    assertThat(described).isEqualTo(inCode);
  }

  /**
   * The query parameters of each operation are those of its resource method, which
   * StrictQueryParameters enforces: a parameter described but not taken would be a 400, one
   * taken but not described undocumented.
   */
  @Test
  void openApi_queryParametersAreThoseOfEachResourceMethod() throws Exception {
    TreeMap<String, TreeSet<String>> inCode = new TreeMap<>();
    operationsInCode().forEach((operation, method) -> inCode.put(operation,
        new TreeSet<>(StrictQueryParameters.declaredIn(method).keySet())));

    JsonNode root;
    try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.RESOURCE)) {
      root = new YAMLMapper().readTree(in);
    }
    TreeMap<String, TreeSet<String>> described = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("paths").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (String method : OPENAPI_METHODS) {
        JsonNode operation = path.getValue().path(method);
        if (!operation.isMissingNode()) {
          TreeSet<String> names = new TreeSet<>();
          queryParameters(root, path.getValue().path("parameters"), names);
          queryParameters(root, operation.path("parameters"), names);
          described.put(method + " " + path.getKey(), names);
        }
      }
    }

    assertThat(inCode.get("get /v1/audit")).containsExactly("after", "kind", "limit", "name");
    assertThat(described).isEqualTo(inCode);
  }

  /** "get /v1/audit" and so on, to the resource method that serves it. */
  private static TreeMap<String, Method> operationsInCode() throws Exception {
    TreeMap<String, Method> operations = new TreeMap<>();
    for (Class<?> resource : resourceClasses()) {
      String base = resource.getAnnotation(Path.class).value();
      for (Method method : resource.getDeclaredMethods()) {
        for (Map.Entry<Class<? extends Annotation>, String> http : METHODS.entrySet()) {
          if (method.isAnnotationPresent(http.getKey())) {
            Path sub = method.getAnnotation(Path.class);
            operations.put(http.getValue() + " " + join(base, sub == null ? "" : sub.value()),
                method);
          }
        }
      }
    }
    return operations;
  }

  private static void queryParameters(JsonNode root, JsonNode parameters, TreeSet<String> names) {
    for (JsonNode parameter : parameters) {
      JsonNode resolved = parameter;
      if (parameter.has("$ref")) {
        String ref = parameter.get("$ref").asText();
        resolved = root.at(ref.substring(1)); // "#/components/parameters/x" as a JSON pointer
      }
      if ("query".equals(resolved.path("in").asText())) {
        names.add(resolved.path("name").asText());
      }
    }
  }

  private static String join(String base, String sub) {
    String path = (base + "/" + sub).replaceAll("/+", "/");
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  /** The classes of the resources package annotated with @Path (from target/classes). */
  private static List<Class<?>> resourceClasses() throws Exception {
    // The main classes' location: the test classes have a package of the same name.
    URL root = OpenApiResource.class.getProtectionDomain().getCodeSource().getLocation();
    File dir = new File(new File(root.toURI()), PACKAGE.replace('.', '/'));
    File[] files = dir.listFiles((d, n) -> n.endsWith(".class"));
    return Arrays.stream(Objects.requireNonNull(files))
        .map(f -> PACKAGE + "." + f.getName().replace(".class", ""))
        .filter(n -> !n.contains("$"))
        .map(OpenApiCoverageTest::load)
        .filter(c -> c.isAnnotationPresent(Path.class))
        .toList();
  }

  private static Class<?> load(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(name.toLowerCase(Locale.ROOT), e);
    }
  }
}
