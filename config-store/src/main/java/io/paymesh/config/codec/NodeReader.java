package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymesh.config.validation.Durations;
import io.paymesh.config.validation.ErrorCollector;
import io.paymesh.config.validation.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the fields of one JSON/YAML object of a policy document, reporting every structural
 * problem at its path: wrong types, missing required fields, bad enums and durations, and (on
 * {@link #finish()}) any field that was never read, because an unknown field is a typo, never noise.
 * A JSON null counts as absent.
 */
final class NodeReader {
  /** Decodes one list element; returns null after reporting when it cannot. */
  interface ElementDecoder<T> {
    T decode(JsonNode node, ErrorCollector errors);
  }

  private static final String NAME = "name";

  private final JsonNode node;
  private final ErrorCollector errors;
  private final Set<String> read = new HashSet<>();
  private final int errorsAtStart;

  private NodeReader(JsonNode node, ErrorCollector errors) {
    this.node = node;
    this.errors = errors;
    this.errorsAtStart = errors.count();
  }

  /** A reader for {@code node}, or null (after reporting at {@code self}) if it is no object. */
  static NodeReader of(JsonNode node, ErrorCollector self, ErrorCollector fields) {
    if (!node.isObject()) {
      self.add(Messages.OBJECT);
      return null;
    }
    return new NodeReader(node, fields);
  }

  static NodeReader of(JsonNode node, ErrorCollector errors) {
    return of(node, errors, errors);
  }

  ErrorCollector errors() {
    return errors;
  }

  /** The field's node, marked as read; null when absent or JSON null. */
  JsonNode raw(String field) {
    read.add(field);
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  /** Like {@link #raw} but reports {@code required} when absent. */
  JsonNode required(String field) {
    JsonNode value = raw(field);
    if (value == null) {
      errors.add(field, Messages.REQUIRED);
    }
    return value;
  }

  String string(String field) {
    return asString(field, required(field));
  }

  Optional<String> optionalString(String field) {
    return Optional.ofNullable(asString(field, raw(field)));
  }

  private String asString(String field, JsonNode value) {
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add(field, Messages.STRING);
      return null;
    }
    return value.textValue();
  }

  Integer integer(String field) {
    JsonNode value = required(field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      errors.add(field, Messages.INTEGER);
      return null;
    }
    return value.intValue();
  }

  Boolean bool(String field) {
    JsonNode value = required(field);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      errors.add(field, Messages.BOOLEAN);
      return null;
    }
    return value.booleanValue();
  }

  Duration duration(String field) {
    return asDuration(field, required(field));
  }

  Optional<Duration> optionalDuration(String field) {
    return Optional.ofNullable(asDuration(field, raw(field)));
  }

  private Duration asDuration(String field, JsonNode value) {
    if (value == null) {
      return null;
    }
    Optional<Duration> parsed =
        value.isTextual() ? Durations.parse(value.textValue()) : Optional.empty();
    if (parsed.isEmpty()) {
      errors.add(field, Messages.DURATION);
      return null;
    }
    return parsed.get();
  }

  /** An enum given by its constant name; {@code defaultValue} null means the field is required. */
  <E extends Enum<E>> E enumValue(String field, Class<E> type, E defaultValue) {
    JsonNode value = defaultValue == null ? required(field) : raw(field);
    if (value == null) {
      return defaultValue;
    }
    Optional<E> constant =
        Arrays.stream(type.getEnumConstants())
            .filter(e -> value.isTextual() && e.name().equals(value.textValue()))
            .findFirst();
    if (constant.isEmpty()) {
      errors.add(field, Messages.oneOf(type));
      return null;
    }
    return constant.get();
  }

  /** A child object; null when absent (reported if required) or not an object. */
  NodeReader object(String field, boolean isRequired) {
    JsonNode value = isRequired ? required(field) : raw(field);
    return value == null ? null : of(value, errors.at(field));
  }

  /** A list of strings; optional lists default to empty. Elements are named by index. */
  List<String> strings(String field, boolean isRequired) {
    return list(
        field,
        isRequired,
        (n, c) -> {
          if (!n.isTextual()) {
            c.add(Messages.STRING);
            return null;
          }
          return n.textValue();
        });
  }

  /**
   * A list whose elements are decoded by {@code decoder}, each under {@code field[name]} when it has
   * a {@code name}, else {@code field[index]}. Optional lists default to empty; null on errors.
   */
  <T> List<T> list(String field, boolean isRequired, ElementDecoder<T> decoder) {
    JsonNode value = isRequired ? required(field) : raw(field);
    if (value == null) {
      return isRequired ? null : List.of();
    }
    if (!value.isArray()) {
      errors.add(field, Messages.LIST);
      return null;
    }
    List<T> result = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode element = value.get(i);
      JsonNode name = element.get(NAME);
      String label = name != null && name.isTextual() ? name.textValue() : null;
      ErrorCollector ec = errors.atElement(field, i, label);
      if (element.isNull()) {
        ec.add(Messages.REQUIRED);
        continue;
      }
      T decoded = decoder.decode(element, ec);
      if (decoded != null) {
        result.add(decoded);
      }
    }
    return result;
  }

  /**
   * Reports every field that was not read as unknown; returns whether this object (and everything
   * read through it) decoded without errors, i.e. whether its record can be built.
   */
  boolean finish() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!read.contains(field)) {
        errors.add(field, Messages.UNKNOWN_FIELD);
      }
    }
    return errors.count() == errorsAtStart;
  }
}
