package io.paymesh.config.codec;

import static io.paymesh.config.codec.SchemaValidation.SCHEMAS;
import static io.paymesh.config.codec.SchemaValidation.schemaErrors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.validation.Fixtures;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON Schemas say what the codec and validator say: every valid document we have passes its
 * kind's schema, the schema's properties are exactly the fields of the model records (so a field
 * added to a record without the schema fails here), and each of those properties is one the codec
 * accepts (it occurs in a document the codec decodes). Refusals are PolicySchemaRefusalTest's.
 */
class PolicySchemaSyncTest {
  // Tests run in the module directory; examples and docs live at the repository root.
  private static final Path EXAMPLES = Path.of("..", "envoy-configs", "examples");
  private static final Path REFERENCE = Path.of("..", "docs", "policy-reference.md");
  private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\n(kind: .*?)```", Pattern.DOTALL);
  static final String EVERY_FIELD = "every-field.yaml";

  /** The envelope field that is the record's type rather than one of its components. */
  private static final Set<String> ENVELOPE_ONLY = Set.of("kind");

  /**
   * Where the wire name of a record component differs from the component's name. Keys are
   * {@code Outer.Inner.component}, or {@code Outer.Inner} for an alternative without components
   * (written as {@code name: true}).
   */
  private static final Map<String, String> WIRE_NAMES = Map.ofEntries(
      Map.entry("Destination.Split.targets", "split"),
      Map.entry("PathMatch.Exact.path", "exact"),
      Map.entry("PathMatch.Prefix.prefix", "prefix"),
      Map.entry("HeaderMatch.Exact.value", "exact"),
      Map.entry("HeaderMatch.Prefix.value", "prefix"),
      Map.entry("HeaderMatch.Present", "present"),
      Map.entry("QueryParameterMatch.Exact.value", "exact"),
      Map.entry("QueryParameterMatch.Prefix.value", "prefix"),
      Map.entry("QueryParameterMatch.Present", "present"),
      Map.entry("RateLimitPolicy.Key.Header.name", "header"),
      Map.entry("RateLimitPolicy.Key.Caller", "caller"),
      Map.entry("FaultInjection.HttpStatus.code", "httpStatus"),
      Map.entry("FaultInjection.GrpcStatus.code", "grpcStatus"),
      // A Gateway version is named by its value: {name: v1, in: HEADER}.
      Map.entry("Gateway.Version.match.value", "name"),
      // An issuer's keys: {jwksUri, jwksCacheDuration} or {jwks}, beside its other fields.
      Map.entry("RequestAuthentication.Jwks.Remote.uri", "jwksUri"),
      Map.entry("RequestAuthentication.Jwks.Remote.cacheDuration", "jwksCacheDuration"),
      Map.entry("RequestAuthentication.Jwks.Inline.json", "jwks"));

  /** Components whose own fields are written in the enclosing object, not in an object of theirs. */
  private static final Set<String> FLATTENED = Set.of(
      "HeaderMatch.condition",
      "QueryParameterMatch.condition",
      "FaultInjection.Abort.status",
      "Gateway.Version.match",
      "RequestAuthentication.JwtIssuer.jwks");

  private static final Set<Class<?>> LEAVES =
      Set.of(String.class, int.class, Integer.class, boolean.class, Boolean.class,
          Duration.class, LocalDate.class);

  private final PolicyCodec codec = new PolicyCodec();

  @ParameterizedTest(name = "{0}")
  @MethodSource("validDocuments")
  void validDocument_passesTheSchemaOfItsKind(JsonNode document) {
    assertThat(SchemaValidation.codecErrors(codec, document)).as("the codec accepts it").isEmpty();
    assertThat(schemaErrors(document)).isEmpty();
    assertThat(SchemaValidation.anyKindErrors(document)).as("the schema of any kind").isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void schemaProperties_areExactlyTheFieldsOfTheModelRecords(Kind kind) {
    Set<String> model = new TreeSet<>(ENVELOPE_ONLY);
    walkRecord(recordOf(kind), "", model);

    assertThat(schemaPaths(SCHEMAS.schema(kind))).containsExactlyElementsOf(model);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void everySchemaProperty_occursInADocumentTheCodecAccepts(Kind kind) throws Exception {
    Set<String> used = new TreeSet<>();
    for (JsonNode document : codec.readTrees(resource(EVERY_FIELD))) {
      if (SchemaValidation.kindOf(document).orElseThrow() == kind) {
        assertThat(SchemaValidation.codecErrors(codec, document)).isEmpty();
        documentPaths(document, "", used);
      }
    }

    assertThat(used).containsAll(schemaPaths(SCHEMAS.schema(kind)));
  }

  /** Each kind's schema, and the schema of any kind. */
  static Stream<Named<ObjectNode>> everySchema() {
    return Stream.concat(
        Arrays.stream(Kind.values()).map(k -> Named.of(k.wireName(), SCHEMAS.schema(k))),
        Stream.of(Named.of("any kind", SCHEMAS.anyKind())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everySchema")
  void schema_isValidUnderTheDraft202012MetaSchema(ObjectNode schema) {
    assertThat(SchemaValidation.metaSchemaErrors(schema)).isEmpty();
  }

  /** The meta-schema allows any keyword; a misspelt one ({@code minLenght}) would check nothing. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everySchema")
  void schema_usesOnlyKeywordsOfTheDialect(ObjectNode schema) {
    List<String> unknown = new ArrayList<>();
    keywords(schema, "", unknown);
    assertThat(unknown).isEmpty();
  }

  /** Editors show the description of the field under the cursor: every field has one. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("everySchema")
  void everyProperty_hasADescription(ObjectNode schema) {
    List<String> undescribed = new ArrayList<>();
    descriptions(schema, schema, "", undescribed);
    assertThat(undescribed).isEmpty();
  }

  /** The schema of any kind is the kinds' schemas side by side, chosen by kind. */
  @Test
  void anyKind_choosesTheSchemaOfTheDocumentsKind() {
    ObjectNode any = SCHEMAS.anyKind();
    assertThat(any.at("/properties/kind/enum")).hasSize(Kind.values().length);
    for (Kind kind : Kind.values()) {
      ObjectNode own = SCHEMAS.schema(kind);
      assertThat(any.at("/$defs/" + kind.wireName() + "Spec"))
          .isEqualTo(own.at("/$defs/spec"));
    }
  }

  @Test
  void everyKind_hasASchemaWithItsKindAndDialect() {
    for (Kind kind : Kind.values()) {
      ObjectNode schema = SCHEMAS.schema(kind);
      assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
      assertThat(schema.at("/properties/kind/const").asText()).isEqualTo(kind.wireName());
      assertThat(schema.at("/$defs/spec/description").asText()).as(kind + " description").isNotBlank();
    }
  }

  // ---- the documents we know to be valid -------------------------------------------------------

  static Stream<Named<JsonNode>> validDocuments() throws Exception {
    PolicyCodec codec = new PolicyCodec();
    List<Named<JsonNode>> documents = new ArrayList<>();
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      for (Path file : files.sorted().toList()) {
        List<JsonNode> trees = codec.readTrees(Files.readString(file));
        for (int i = 0; i < trees.size(); i++) {
          documents.add(named(file.getFileName() + "[" + i + "]", trees.get(i)));
        }
      }
    }
    for (String example : List.of(Examples.SERVICE, Examples.PROCESSOR, Examples.ROUTE_TABLE,
        Examples.AUTHORIZATION_POLICY, Examples.PEER_AUTHENTICATION,
        Examples.REQUEST_AUTHENTICATION, Examples.RATE_LIMIT_POLICY, Examples.GATEWAY)) {
      JsonNode tree = codec.readTrees(example).get(0);
      documents.add(named("Examples " + tree.path("kind").asText(), tree));
    }
    List<JsonNode> everyField = codec.readTrees(resource(EVERY_FIELD));
    for (int i = 0; i < everyField.size(); i++) {
      documents.add(named(EVERY_FIELD + "[" + i + "]", everyField.get(i)));
    }
    Matcher m = YAML_BLOCK.matcher(Files.readString(REFERENCE));
    while (m.find()) {
      if (!m.group(1).contains("{...}")) { // the envelope sketch is no document
        JsonNode tree = codec.readTrees(m.group(1)).get(0);
        documents.add(named("policy-reference.md " + tree.path("kind").asText(), tree));
      }
    }
    // The canonical form (what GET answers and etcd stores) of all of them, defaults written out,
    // and of the validator tests' fixtures.
    List<PolicyResource> resources = new ArrayList<>();
    for (Named<JsonNode> d : List.copyOf(documents)) {
      resources.add(codec.decode(d.getPayload().toString()));
    }
    resources.addAll(List.of(Fixtures.service(s -> {}), Fixtures.processor(p -> {}),
        Fixtures.routeTable(t -> {}), Fixtures.authorizationPolicy(a -> {}),
        Fixtures.peerAuthentication(p -> {}), Fixtures.requestAuthentication(r -> {}),
        Fixtures.rateLimitPolicy(r -> {}), Fixtures.gateway(g -> {})));
    for (PolicyResource r : resources) {
      documents.add(named("canonical " + r.key(), codec.readTrees(codec.toJson(r)).get(0)));
    }
    return documents.stream();
  }

  private static Named<JsonNode> named(String name, JsonNode tree) {
    return Named.of(name, tree);
  }

  static String resource(String name) throws IOException {
    try (InputStream in = PolicySchemaSyncTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  // ---- the model's fields, by reflection -------------------------------------------------------

  private static Class<?> recordOf(Kind kind) {
    return Arrays.stream(PolicyResource.class.getPermittedSubclasses())
        .filter(c -> c.getSimpleName().equals(kind.wireName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record for kind " + kind));
  }

  /** Adds the wire path of every component of {@code record}, whose object is at {@code path}. */
  private static void walkRecord(Class<?> record, String path, Set<String> out) {
    for (RecordComponent c : record.getRecordComponents()) {
      String key = key(record) + "." + c.getName();
      if (FLATTENED.contains(key)) {
        walkFlattened(key, element(c.getGenericType()), path, out);
        continue;
      }
      String field = join(path, WIRE_NAMES.getOrDefault(key, c.getName()));
      out.add(field);
      walkValue(c.getGenericType(), field, out);
    }
  }

  /** The fields of {@code type} written into the enclosing object at {@code path}. */
  private static void walkFlattened(String key, Class<?> type, String path, Set<String> out) {
    if (type.isSealed()) {
      walkAlternatives(type, path, out);
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      String field = WIRE_NAMES.getOrDefault(
          key + "." + c.getName(),
          WIRE_NAMES.getOrDefault(key(type) + "." + c.getName(), c.getName()));
      out.add(join(path, field));
      walkValue(c.getGenericType(), join(path, field), out);
    }
  }

  private static void walkValue(Type type, String path, Set<String> out) {
    Class<?> raw = raw(type);
    if (raw == List.class) {
      walkValue(typeArgument(type), path + "[]", out);
    } else if (raw == Optional.class) {
      walkValue(typeArgument(type), path, out);
    } else if (raw.isRecord()) {
      walkRecord(raw, path, out);
    } else if (raw.isSealed()) {
      walkAlternatives(raw, path, out);
    } else if (!raw.isEnum() && !LEAVES.contains(raw)) {
      throw new AssertionError(path + ": unexpected type " + raw + "; teach this test its wire form");
    }
  }

  /** Either/or: the alternatives' fields share one object, exactly one of them present. */
  private static void walkAlternatives(Class<?> sealed, String path, Set<String> out) {
    for (Class<?> alternative : sealed.getPermittedSubclasses()) {
      if (alternative.getRecordComponents().length == 0) {
        String field = WIRE_NAMES.get(key(alternative));
        assertThat(field).as("wire name of " + key(alternative)).isNotNull();
        out.add(join(path, field));
      } else {
        walkRecord(alternative, path, out);
      }
    }
  }

  /** {@code Outer.Inner}: the class's name below its package. */
  private static String key(Class<?> type) {
    return type.getName().substring(type.getPackageName().length() + 1).replace('$', '.');
  }

  private static Class<?> element(Type type) {
    Class<?> raw = raw(type);
    return raw == Optional.class || raw == List.class ? element(typeArgument(type)) : raw;
  }

  private static Class<?> raw(Type type) {
    return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
  }

  private static Type typeArgument(Type type) {
    return ((ParameterizedType) type).getActualTypeArguments()[0];
  }

  // ---- property paths of schemas and documents ------------------------------------------------

  /** Every property path the schema declares, e.g. {@code spec.routes[].match.path.exact}. */
  static Set<String> schemaPaths(ObjectNode schema) {
    Set<String> out = new TreeSet<>();
    schemaPaths(schema, schema, "", out);
    return out;
  }

  private static void schemaPaths(ObjectNode root, JsonNode node, String path, Set<String> out) {
    JsonNode ref = node.get("$ref");
    if (ref != null) {
      JsonNode target = root.at(ref.textValue().substring(1));
      assertThat(target.isMissingNode()).as("dangling " + ref).isFalse();
      schemaPaths(root, target, path, out);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      String field = join(path, property.getKey());
      out.add(field);
      schemaPaths(root, property.getValue(), field, out);
    }
    if (node.has("items")) {
      schemaPaths(root, node.get("items"), path + "[]", out);
    }
  }

  private static final Set<String> KEYWORDS = Set.of(
      "$schema", "$ref", "$defs", "title", "description", "default", "type", "properties",
      "required", "additionalProperties", "items", "minItems", "uniqueItems", "enum", "const",
      "pattern", "minLength", "maxLength", "minimum", "maximum", "format", "oneOf", "anyOf",
      "allOf", "not", "if", "then", "else");

  /** Adds the location of every key of a (sub)schema that is not a keyword this test knows. */
  private static void keywords(JsonNode schema, String pointer, List<String> unknown) {
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      if (!KEYWORDS.contains(key)) {
        unknown.add(pointer + "/" + key);
      } else if (key.equals("properties") || key.equals("$defs")) {
        value.fields().forEachRemaining(
            e -> keywords(e.getValue(), pointer + "/" + key + "/" + e.getKey(), unknown));
      } else if (value.isArray() && Set.of("oneOf", "anyOf", "allOf").contains(key)) {
        for (int i = 0; i < value.size(); i++) {
          keywords(value.get(i), pointer + "/" + key + "/" + i, unknown);
        }
      } else if (value.isObject() && Set.of("items", "not", "if", "then", "else").contains(key)) {
        keywords(value, pointer + "/" + key, unknown);
      }
    }
  }

  /**
   * Adds every property path with no description of its own or of the definition it refers to.
   * Array items are described by their array; their properties are not.
   */
  private static void descriptions(ObjectNode root, JsonNode node, String path, List<String> out) {
    List<JsonNode> parts = new ArrayList<>(List.of(node));
    if (node.has("$ref")) {
      parts.add(root.at(node.get("$ref").textValue().substring(1)));
    }
    for (JsonNode part : parts) {
      for (Iterator<Map.Entry<String, JsonNode>> it = part.path("properties").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> property = it.next();
        JsonNode value = property.getValue();
        boolean described = value.has("description") || (value.has("$ref")
            && root.at(value.get("$ref").textValue().substring(1)).has("description"));
        if (!described) {
          out.add(join(path, property.getKey()));
        }
        descriptions(root, value, join(path, property.getKey()), out);
      }
      if (part.has("items")) {
        descriptions(root, part.get("items"), path + "[]", out);
      }
    }
  }

  static void documentPaths(JsonNode node, String path, Set<String> out) {
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        out.add(join(path, field.getKey()));
        documentPaths(field.getValue(), join(path, field.getKey()), out);
      }
    } else if (node.isArray()) {
      node.forEach(element -> documentPaths(element, path + "[]", out));
    }
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }
}
