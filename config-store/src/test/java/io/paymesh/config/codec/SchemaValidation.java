package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.DialectId;
import io.paymesh.config.model.Kind;
import io.paymesh.config.schema.PolicySchemas;
import io.paymesh.config.validation.PolicyValidationException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The served schemas, compiled by an independent JSON Schema validator (networknt, draft
 * 2020-12), and the codec's view of the same documents: what the schema and schema tests compare.
 */
final class SchemaValidation {
  static final PolicySchemas SCHEMAS = PolicySchemas.load();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<Kind, Schema> COMPILED = compile();
  private static final Schema ANY_KIND = REGISTRY.getSchema(SCHEMAS.anyKind());

  private SchemaValidation() {}

  private static Map<Kind, Schema> compile() {
    Map<Kind, Schema> compiled = new EnumMap<>(Kind.class);
    for (Kind kind : Kind.values()) {
      Schema schema = REGISTRY.getSchema(SCHEMAS.schema(kind));
      schema.initializeValidators(); // resolve every $ref now, so a dangling one fails here
      compiled.put(kind, schema);
    }
    return compiled;
  }

  /**
   * The schema's complaints about {@code document}, checked against the schema of the kind it
   * names (a document naming no known kind is checked against Service's, whose {@code kind}
   * refuses it).
   */
  static List<String> schemaErrors(JsonNode document) {
    Kind kind = kindOf(document).orElse(Kind.SERVICE);
    List<Error> errors = COMPILED.get(kind).validate(document);
    return errors.stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .collect(Collectors.toList());
  }

  /** The complaints of the schema for documents of any kind (its kind picks the rest). */
  static List<String> anyKindErrors(JsonNode document) {
    return ANY_KIND.validate(document).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .collect(Collectors.toList());
  }

  /** What the draft 2020-12 meta-schema (bundled with the validator) finds wrong in a schema. */
  static List<String> metaSchemaErrors(JsonNode schema) {
    Schema meta = REGISTRY.getSchema(SchemaLocation.of(DialectId.DRAFT_2020_12));
    return meta.validate(schema).stream()
        .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
        .collect(Collectors.toList());
  }

  static Optional<Kind> kindOf(JsonNode document) {
    JsonNode kind = document.path("kind");
    return kind.isTextual() ? Kind.fromWireName(kind.textValue()) : Optional.empty();
  }

  /** The codec's errors for one document tree (empty when it decodes and validates). */
  static List<String> codecErrors(PolicyCodec codec, JsonNode document) {
    try {
      codec.decode(document.toString());
      return List.of();
    } catch (PolicyValidationException e) {
      return e.errors().stream().map(Object::toString).collect(Collectors.toList());
    }
  }
}
