package io.paymesh.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.paymesh.config.model.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON Schema of each policy kind's document {@code {kind, name, spec}}, so editors can
 * complete and check policy YAML before the admin API sees it. The spec of each kind is written in
 * a resource ({@code schema/<pathSegment>.yaml}) with shared definitions in {@code common.yaml};
 * the envelope is built here from {@link Kind}, and every schema is self-contained (all
 * definitions inlined under {@code $defs}) so one URL is all an editor fetches. {@link #anyKind}
 * combines them for files that mix kinds. Immutable once loaded; both hand out copies.
 */
public final class PolicySchemas {
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  /** The media type of a schema (draft 2020-12, section 9.5.1). */
  public static final String MEDIA_TYPE = "application/schema+json";

  private static final String RESOURCES = "/io/paymesh/config/schema/";
  private static final String DEFS = "$defs";
  private static final String SPEC = "spec";
  private static final String KIND = "kind";
  private static final String DESCRIPTION = "description";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<Kind, ObjectNode> schemas;
  private final ObjectNode anyKind;

  private PolicySchemas(Map<Kind, ObjectNode> schemas, ObjectNode anyKind) {
    this.schemas = schemas;
    this.anyKind = anyKind;
  }

  /** Reads the schemas from the classpath; fails if any kind lacks one (a packaging bug). */
  public static PolicySchemas load() {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode common = (ObjectNode) read(yaml, "common.yaml");
    Map<Kind, ObjectNode> specs = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      specs.put(kind, (ObjectNode) read(yaml, kind.pathSegment() + ".yaml"));
    }
    Map<Kind, ObjectNode> schemas = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      ObjectNode defs = common.deepCopy();
      ObjectNode spec = specs.get(kind).deepCopy();
      addLocalDefinitions(kind, spec, defs);
      defs.set(SPEC, spec);
      ObjectNode schema = root(kind.wireName(),
          "A paymesh " + kind.wireName() + " policy document. " + spec.path(DESCRIPTION).asText());
      schema.setAll(envelope(kind, "#/$defs/" + SPEC));
      schema.set(DEFS, defs);
      schemas.put(kind, schema);
    }
    return new PolicySchemas(schemas, anyKind(specs, common));
  }

  /** The schema of one kind's document; a copy the caller may change. */
  public ObjectNode schema(Kind kind) {
    return schemas.get(kind).deepCopy();
  }

  /**
   * One schema for a document of any kind, its {@code kind} picking the kind's schema: for files
   * that mix kinds, such as the example policy. A copy the caller may change.
   */
  public ObjectNode anyKind() {
    return anyKind.deepCopy();
  }

  private static ObjectNode anyKind(Map<Kind, ObjectNode> specs, ObjectNode common) {
    ObjectNode defs = common.deepCopy();
    ObjectNode schema = root("paymesh policy document",
        "A paymesh policy document of any kind; its kind decides the rest.");
    schema.put("type", "object");
    ObjectNode kindProperty = schema.putObject("properties").putObject(KIND);
    ArrayNode kinds = kindProperty.putArray("enum");
    kindProperty.put(DESCRIPTION, "The kind of policy the document holds.");
    schema.putArray("required").add(KIND);
    ArrayNode byKind = schema.putArray("allOf");
    for (Kind kind : Kind.values()) {
      kinds.add(kind.wireName());
      ObjectNode spec = specs.get(kind).deepCopy();
      addLocalDefinitions(kind, spec, defs);
      String specName = kind.wireName() + "Spec";
      define(kind, defs, specName, spec);
      define(kind, defs, kind.wireName(), envelope(kind, "#/$defs/" + specName)
          .put("title", kind.wireName())
          .put(DESCRIPTION, spec.path(DESCRIPTION).asText()));
      ObjectNode rule = byKind.addObject();
      ObjectNode condition = rule.putObject("if");
      condition.putObject("properties").putObject(KIND).put("const", kind.wireName());
      condition.putArray("required").add(KIND);
      rule.putObject("then").put("$ref", "#/$defs/" + kind.wireName());
    }
    schema.set(DEFS, defs);
    return schema;
  }

  private static ObjectNode root(String title, String description) {
    ObjectNode schema = NODES.objectNode();
    schema.put("$schema", DIALECT);
    schema.put("title", title);
    schema.put(DESCRIPTION, description);
    return schema;
  }

  /** {@code {kind, name, spec}} of one kind, the spec being the definition at {@code specRef}. */
  private static ObjectNode envelope(Kind kind, String specRef) {
    ObjectNode envelope = NODES.objectNode();
    envelope.put("type", "object");
    ObjectNode properties = envelope.putObject("properties");
    properties.putObject(KIND).put("const", kind.wireName()).put(DESCRIPTION, "The kind.");
    properties
        .putObject("name")
        .put("$ref", "#/$defs/dnsLabel")
        .put(DESCRIPTION, "The document's name, unique within its kind: a lowercase DNS label.");
    properties.putObject(SPEC).put("$ref", specRef);
    envelope.putArray("required").add(KIND).add("name").add(SPEC);
    envelope.put("additionalProperties", false);
    return envelope;
  }

  /** Moves the spec's own {@code $defs} into {@code defs}; a name may be defined only once. */
  private static void addLocalDefinitions(Kind kind, ObjectNode spec, ObjectNode defs) {
    JsonNode local = spec.remove(DEFS);
    if (local != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = local.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> def = it.next();
        define(kind, defs, def.getKey(), def.getValue());
      }
    }
  }

  private static void define(Kind kind, ObjectNode defs, String name, JsonNode definition) {
    if (defs.has(name)) {
      throw new IllegalStateException(
          kind.pathSegment() + ".yaml: the definition " + name + " exists already");
    }
    defs.set(name, definition);
  }

  private static JsonNode read(YAMLMapper yaml, String name) {
    try (InputStream in = PolicySchemas.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("schema resource missing from the classpath: " + name);
      }
      return yaml.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema resource " + name, e);
    }
  }
}
