package io.paymesh.xds.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyForm;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of a {@link ProxyStatusRecord} in etcd, shared by the xds-server that writes it
 * and the admin API that reads it. Field names are spelled out here (not derived from the record)
 * so that renaming a Java component cannot silently change what other replicas read.
 *
 * <pre>
 * {"nodeId":"checkout~a1","service":"checkout","client":"ENVOY","form":"SIDECAR",
 *  "replica":"xds-1-4711",
 *  "ackedVersions":{"type.googleapis.com/envoy.config.cluster.v3.Cluster":"9f86d081884c7d65"},
 *  "lastNack":{"typeUrl":"...","version":"...","errorDetail":"...","at":"2026-01-01T00:00:00Z"},
 *  "nackCount":1,"connectedAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:01Z"}
 * </pre>
 * {@code lastNack} is absent when the proxy never refused a config; instants are ISO-8601 UTC.
 * {@code form} (SIDECAR or PROXYLESS) follows from {@code client} and is written for readers that
 * want only that; a record without {@code client}, written before client families existed, is
 * read as the family that served its form then (ENVOY or GRPC_JAVA).
 */
public final class ProxyStatusCodec {
  static final String NODE_ID = "nodeId";
  static final String SERVICE = "service";
  static final String CLIENT = "client";
  static final String FORM = "form";
  static final String REPLICA = "replica";
  static final String ACKED_VERSIONS = "ackedVersions";
  static final String LAST_NACK = "lastNack";
  static final String NACK_COUNT = "nackCount";
  static final String CONNECTED_AT = "connectedAt";
  static final String UPDATED_AT = "updatedAt";
  static final String TYPE_URL = "typeUrl";
  static final String VERSION = "version";
  static final String ERROR_DETAIL = "errorDetail";
  static final String AT = "at";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ProxyStatusCodec() {}

  public static String toJson(ProxyStatusRecord record) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put(NODE_ID, record.nodeId());
    json.put(SERVICE, record.service());
    json.put(CLIENT, record.client());
    json.put(FORM, record.group().form().name());
    json.put(REPLICA, record.replica());
    ObjectNode acked = json.putObject(ACKED_VERSIONS);
    record.ackedVersions().forEach(acked::put);
    record.lastNack().ifPresent(nack -> {
      ObjectNode n = json.putObject(LAST_NACK);
      n.put(TYPE_URL, nack.typeUrl());
      n.put(VERSION, nack.version());
      n.put(ERROR_DETAIL, nack.errorDetail());
      n.put(AT, nack.at().toString());
    });
    json.put(NACK_COUNT, record.nackCount());
    json.put(CONNECTED_AT, record.connectedAt().toString());
    json.put(UPDATED_AT, record.updatedAt().toString());
    try {
      return MAPPER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree of strings and numbers always serializes", e);
    }
  }

  /**
   * Reads a record; unknown fields are ignored so that a newer replica may add some.
   *
   * @throws IllegalArgumentException naming the first missing or malformed field
   */
  public static ProxyStatusRecord fromJson(String text) {
    JsonNode json;
    try {
      json = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (json == null || !json.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    JsonNode ackedJson = json.get(ACKED_VERSIONS);
    if (ackedJson == null || !ackedJson.isObject()) {
      throw new IllegalArgumentException(ACKED_VERSIONS + ": required object");
    }
    Map<String, String> acked = new LinkedHashMap<>();
    ackedJson.fields().forEachRemaining(e -> {
      if (!e.getValue().isTextual()) {
        throw new IllegalArgumentException(
            ACKED_VERSIONS + "." + e.getKey() + ": must be a string");
      }
      acked.put(e.getKey(), e.getValue().asText());
    });
    JsonNode nackJson = json.get(LAST_NACK);
    Optional<NackRecord> nack = Optional.empty();
    if (nackJson != null && !nackJson.isNull()) {
      if (!nackJson.isObject()) {
        throw new IllegalArgumentException(LAST_NACK + ": must be an object");
      }
      nack = Optional.of(new NackRecord(
          text(nackJson, TYPE_URL, LAST_NACK + "."),
          text(nackJson, VERSION, LAST_NACK + "."),
          text(nackJson, ERROR_DETAIL, LAST_NACK + "."),
          instant(nackJson, AT, LAST_NACK + ".")));
    }
    JsonNode count = json.get(NACK_COUNT);
    if (count == null || !count.canConvertToLong() || !count.isIntegralNumber()) {
      throw new IllegalArgumentException(NACK_COUNT + ": required integer");
    }
    return new ProxyStatusRecord(
        text(json, NODE_ID, ""),
        text(json, SERVICE, ""),
        client(json),
        text(json, REPLICA, ""),
        acked,
        nack,
        count.asLong(),
        instant(json, CONNECTED_AT, ""),
        instant(json, UPDATED_AT, ""));
  }

  private static String client(JsonNode json) {
    if (json.hasNonNull(CLIENT)) {
      return text(json, CLIENT, "");
    }
    String form = text(json, FORM, "");
    try {
      return ClientFamily.defaultFor(ProxyForm.valueOf(form)).name();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(FORM + ": unknown form " + form, e);
    }
  }

  private static String text(JsonNode json, String field, String path) {
    JsonNode value = json.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(path + field + ": required string");
    }
    return value.asText();
  }

  private static Instant instant(JsonNode json, String field, String path) {
    String value = text(json, field, path);
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(path + field + ": not an ISO-8601 instant: " + value, e);
    }
  }
}
