package io.paymesh.config.schema;

import com.fasterxml.jackson.databind.JsonNode;
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
 * definitions inlined under {@code $defs}) so one URL is all an editor fetches. Immutable once
 * loaded; {@link #schema} hands out copies.
 */
public final class PolicySchemas {
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
  /** The media type of a schema (draft 2020-12, section 9.5.1). */
  public static final String MEDIA_TYPE = "application/schema+json";

  private static final String RESOURCES = "/io/paymesh/config/schema/";
  private static final String DEFS = "$defs";
  private static final String SPEC = "spec";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Map<Kind, ObjectNode> schemas;

  private PolicySchemas(Map<Kind, ObjectNode> schemas) {
    this.schemas = schemas;
  }

  /** Reads the schemas from the classpath; fails if any kind lacks one (a packaging bug). */
  public static PolicySchemas load() {
    YAMLMapper yaml = new YAMLMapper();
    ObjectNode common = (ObjectNode) read(yaml, "common.yaml");
    Map<Kind, ObjectNode> schemas = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      ObjectNode spec = (ObjectNode) read(yaml, kind.pathSegment() + ".yaml");
      schemas.put(kind, document(kind, spec, common));
    }
    return new PolicySchemas(schemas);
  }

  /** The schema of one kind's document; a copy the caller may change. */
  public ObjectNode schema(Kind kind) {
    return schemas.get(kind).deepCopy();
  }

  private static ObjectNode document(Kind kind, ObjectNode spec, ObjectNode common) {
    ObjectNode defs = NODES.objectNode();
    defs.setAll(common.deepCopy());
    JsonNode specDefs = spec.remove(DEFS);
    if (specDefs != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = specDefs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> def = it.next();
        if (defs.has(def.getKey())) {
          throw new IllegalStateException(
              kind.pathSegment() + ".yaml redefines the common definition " + def.getKey());
        }
        defs.set(def.getKey(), def.getValue());
      }
    }
    defs.set(SPEC, spec);

    ObjectNode schema = NODES.objectNode();
    schema.put("$schema", DIALECT);
    schema.put("title", kind.wireName());
    schema.put(
        "description",
        "A paymesh " + kind.wireName() + " policy document. " + spec.path("description").asText());
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    properties.putObject("kind").put("const", kind.wireName()).put("description", "The kind.");
    properties
        .putObject("name")
        .put("$ref", "#/$defs/dnsLabel")
        .put("description", "The document's name, unique within its kind: a lowercase DNS label.");
    properties.putObject(SPEC).put("$ref", "#/$defs/" + SPEC);
    schema.putArray("required").add("kind").add("name").add(SPEC);
    schema.put("additionalProperties", false);
    schema.set(DEFS, defs);
    return schema;
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
