package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.validation.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Helpers that build the canonical tree: fields in insertion order, empty optionals omitted. */
final class Trees {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Trees() {}

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  static void putDuration(ObjectNode node, String field, Duration value) {
    node.put(field, Durations.format(value));
  }

  static void putDuration(ObjectNode node, String field, Optional<Duration> value) {
    value.ifPresent(d -> putDuration(node, field, d));
  }

  static void putStrings(ObjectNode node, String field, List<String> values) {
    ArrayNode array = node.putArray(field);
    values.forEach(array::add);
  }

  /** Optional lists are written only when non-empty, so the canonical form has one spelling. */
  static void putStringsIfAny(ObjectNode node, String field, List<String> values) {
    if (!values.isEmpty()) {
      putStrings(node, field, values);
    }
  }
}
