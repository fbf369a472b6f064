package io.paymesh.config.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.EnvoyLimits;
import io.paymesh.config.validation.Names;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.config.validation.ValidationError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes the value of an endpoint registration,
 * {@code {"address":"10.0.0.7","port":50051,"zone":"eu-west-1a","weight":1}}, with
 * {@code "priority":1} added for an instance that is not at priority 0. The service and instance id
 * are not in the value: they come from the key.
 */
public final class EndpointCodec {
  public static final String DEFAULT_ZONE = "default";
  public static final int DEFAULT_WEIGHT = 1;
  public static final int DEFAULT_PRIORITY = 0;
  static final String ADDRESS = "address";
  static final String PORT = "port";
  static final String ZONE = "zone";
  static final String WEIGHT = "weight";
  static final String PRIORITY = "priority";
  private static final Set<String> FIELDS = Set.of(ADDRESS, PORT, ZONE, WEIGHT, PRIORITY);
  private static final int MAX_PORT = 65535;
  /**
   * Envoy refuses a locality whose endpoints' weights sum to more than 4294967295 (uint32), and
   * localities at one priority likewise; the translator sums a service's weights per zone. Capped
   * so that this cannot happen below 65,537 instances of a service; the Gate refuses the load
   * assignment beyond.
   */
  public static final int MAX_WEIGHT = 65535;
  private static final ObjectMapper JSON = new ObjectMapper();

  private EndpointCodec() {}

  public static String toJson(Endpoint endpoint) {
    List<ValidationError> errors = validate(endpoint);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid endpoint " + endpoint + ": " + errors);
    }
    ObjectNode node = JSON.createObjectNode();
    node.put(ADDRESS, endpoint.address());
    node.put(PORT, endpoint.port());
    node.put(ZONE, endpoint.zone());
    node.put(WEIGHT, endpoint.weight());
    // Written only when it is not the default: a replica that predates priorities refuses a value
    // with a field it does not know, so during a rolling upgrade it still reads every
    // registration that does not use them.
    if (endpoint.priority() != DEFAULT_PRIORITY) {
      node.put(PRIORITY, endpoint.priority());
    }
    return node.toString();
  }

  /** Decodes a stored value; every problem is reported, with the field as path. */
  public static Endpoint decode(String service, String id, String json)
      throws PolicyValidationException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new PolicyValidationException(
          List.of(new ValidationError("", "invalid JSON: " + e.getOriginalMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new PolicyValidationException(
          List.of(new ValidationError("", "must be a JSON object")));
    }
    List<ValidationError> errors = new ArrayList<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        errors.add(new ValidationError(name, "unknown field"));
      }
    }
    String address = text(root, ADDRESS, null, errors);
    int port = integer(root, PORT, -1, errors);
    String zone = text(root, ZONE, DEFAULT_ZONE, errors);
    int weight = integer(root, WEIGHT, DEFAULT_WEIGHT, errors);
    // Absent in every value written before priorities existed: those instances are priority 0.
    int priority = integer(root, PRIORITY, DEFAULT_PRIORITY, errors);
    Endpoint endpoint = new Endpoint(service, id, address, port, zone, weight, priority);
    // Range errors too, except for fields already reported as missing or mistyped.
    for (ValidationError rangeError : validate(endpoint)) {
      if (errors.stream().noneMatch(e -> e.path().equals(rangeError.path()))) {
        errors.add(rangeError);
      }
    }
    if (!errors.isEmpty()) {
      throw new PolicyValidationException(errors);
    }
    return endpoint;
  }

  /** Range checks shared by decoding and registration. */
  public static List<ValidationError> validate(Endpoint endpoint) {
    List<ValidationError> errors = new ArrayList<>();
    if (endpoint.address() == null || endpoint.address().isBlank()) {
      errors.add(new ValidationError(ADDRESS, "required"));
    } else if (endpoint.address().chars().anyMatch(Character::isWhitespace)) {
      errors.add(new ValidationError(ADDRESS, "must not contain whitespace"));
    } else if (!Names.isIpLiteral(endpoint.address())) {
      // A registered instance becomes an endpoint of an EDS cluster, which Envoy never resolves.
      errors.add(new ValidationError(ADDRESS, "must be an IPv4 or IPv6 address"));
    }
    if (endpoint.port() < 1 || endpoint.port() > MAX_PORT) {
      errors.add(new ValidationError(PORT, "must be between 1 and " + MAX_PORT));
    }
    if (endpoint.zone() == null || endpoint.zone().isBlank()) {
      errors.add(new ValidationError(ZONE, "must not be empty"));
    }
    if (endpoint.weight() < 1) {
      errors.add(new ValidationError(WEIGHT, "must be >= 1"));
    } else if (endpoint.weight() > MAX_WEIGHT) {
      errors.add(new ValidationError(WEIGHT, "must be <= " + MAX_WEIGHT));
    }
    if (endpoint.priority() < 0 || endpoint.priority() > EnvoyLimits.MAX_PRIORITY) {
      errors.add(new ValidationError(PRIORITY, "must be between 0 and " + EnvoyLimits.MAX_PRIORITY));
    }
    return errors;
  }

  private static String text(JsonNode root, String field, String dflt, List<ValidationError> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (dflt == null) {
        errors.add(new ValidationError(field, "required"));
      }
      return dflt;
    }
    if (!node.isTextual()) {
      errors.add(new ValidationError(field, "must be a string"));
      return dflt;
    }
    return node.textValue();
  }

  private static int integer(JsonNode root, String field, int dflt, List<ValidationError> errors) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (dflt < 0) {
        errors.add(new ValidationError(field, "required"));
      }
      return dflt;
    }
    if (!node.isInt()) {
      errors.add(new ValidationError(field, "must be an integer"));
      return dflt;
    }
    return node.intValue();
  }
}
