package io.paymesh.config.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * A stored idempotency record: the claim of a committed write and its outcome. Stored as
 * {@code {caller, key, fingerprint, request, at, outcome}}; the revision is not stored but is the
 * record's mod revision, which is the revision of the transaction that committed the write.
 *
 * @param outcome a JSON object written by the store that committed the write, from which the
 *     original answer is rebuilt (e.g. the documents and operations of a commit); never a secret
 */
public record IdempotencyRecord(IdempotencyClaim claim, Instant at, String outcome, long revision) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CALLER = "caller";
  private static final String KEY = "key";
  private static final String FINGERPRINT = "fingerprint";
  private static final String REQUEST = "request";
  private static final String AT = "at";
  private static final String OUTCOME = "outcome";

  public IdempotencyRecord {
    Objects.requireNonNull(claim, "claim");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
  }

  /** Whether {@code other} is the same request as the one this record committed. */
  public boolean sameRequestAs(IdempotencyClaim other) {
    return claim.fingerprint().equals(other.fingerprint());
  }

  /** The value stored in etcd for {@code claim} committed at {@code at} with {@code outcome}. */
  static String toJson(IdempotencyClaim claim, Instant at, String outcome) {
    ObjectNode node = JSON.createObjectNode();
    node.put(CALLER, claim.caller());
    node.put(KEY, claim.key());
    node.put(FINGERPRINT, claim.fingerprint());
    node.put(REQUEST, claim.request());
    node.put(AT, at.toString());
    node.set(OUTCOME, tree(outcome));
    return node.toString();
  }

  /** @throws IllegalArgumentException if the value is not a record (written around paymesh) */
  static IdempotencyRecord fromJson(String value, long revision) {
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
    if (node == null || !node.isObject() || !node.path(OUTCOME).isObject()) {
      throw new IllegalArgumentException("not an idempotency record");
    }
    try {
      IdempotencyClaim claim = new IdempotencyClaim(text(node, CALLER), text(node, KEY),
          text(node, FINGERPRINT), text(node, REQUEST));
      return new IdempotencyRecord(claim, Instant.parse(text(node, AT)),
          node.get(OUTCOME).toString(), revision);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an idempotency record", e);
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(field + ": required string");
    }
    return value.textValue();
  }

  private static JsonNode tree(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("an outcome must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("an outcome must be a JSON object", e);
    }
  }
}
