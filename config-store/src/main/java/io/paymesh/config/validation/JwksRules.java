package io.paymesh.config.validation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Rules of an inline JSON Web Key Set (RFC 7517): a JSON object whose {@code keys} list holds the
 * public keys an issuer signs tokens with. A key with a private member (RSA {@code d, p, q, dp,
 * dq, qi, oth}, EC and OKP {@code d}, or a symmetric {@code oct} key's {@code k}, which is the
 * secret itself) is refused: a key that can sign must never be in policy (invariant 8).
 *
 * <p>No message names a value, only member names and positions: a JWKS that breaks a rule may
 * well hold key material, and errors reach logs and API answers. For the same reason a JSON
 * syntax error is reported by line and column only, never with the parser's message (which
 * quotes the text).
 *
 * <p>Public: the Gate applies the same rules to the {@code local_jwks} it finds in output.
 */
public final class JwksRules {
  static final String NOT_JSON = "must be a JSON Web Key Set: not valid JSON";
  static final String NOT_A_KEY_SET = "must be a JSON Web Key Set: an object {\"keys\": [...]}";
  static final String PRIVATE_MATERIAL_PREFIX = "must not contain private key material (";
  static final String PRIVATE_MATERIAL_SUFFIX = "); publish only the public key";
  /** Key types of signing keys with a public half; {@code oct} has none. */
  static final List<String> KEY_TYPES = List.of("RSA", "EC", "OKP");
  /** RFC 7518 section 6 and RFC 8037: the members that are private (or secret) key material. */
  static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  /** The members a public key of each type needs to verify a signature. */
  private static final Map<String, List<String>> PUBLIC_MEMBERS = Map.of(
      "RSA", List.of("n", "e"),
      "EC", List.of("crv", "x", "y"),
      "OKP", List.of("crv", "x"));
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private JwksRules() {}

  /** Adds every broken rule of {@code json} under {@code c}. */
  public static void check(ErrorCollector c, String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      c.add(at == null ? NOT_JSON
          : NOT_JSON + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
      return;
    }
    if (root == null || !root.isObject() || !root.path("keys").isArray()) {
      c.add(NOT_A_KEY_SET);
      return;
    }
    JsonNode keys = root.get("keys");
    if (keys.isEmpty()) {
      c.add("keys", Messages.NOT_EMPTY);
      return;
    }
    for (int i = 0; i < keys.size(); i++) {
      key(c.atIndex("keys", i), keys.get(i));
    }
  }

  /** The broken rules of {@code json}, with paths relative to the key set. */
  public static List<ValidationError> check(String json) {
    ErrorCollector c = new ErrorCollector();
    check(c, json);
    return c.errors();
  }

  private static void key(ErrorCollector c, JsonNode key) {
    if (!key.isObject()) {
      c.add(Messages.OBJECT);
      return;
    }
    TreeSet<String> secret = new TreeSet<>();
    PRIVATE_MEMBERS.stream().filter(key::has).forEach(secret::add);
    if (!secret.isEmpty()) {
      c.add(PRIVATE_MATERIAL_PREFIX + String.join(", ", secret) + PRIVATE_MATERIAL_SUFFIX);
    }
    JsonNode kty = key.get("kty");
    if (kty == null || !kty.isTextual() || !KEY_TYPES.contains(kty.textValue())) {
      c.add("kty", Messages.oneOf(KEY_TYPES));
      return;
    }
    for (String member : PUBLIC_MEMBERS.get(kty.textValue())) {
      JsonNode value = key.get(member);
      if (value == null || value.isNull()) {
        c.add(member, Messages.REQUIRED);
      } else if (!value.isTextual() || value.textValue().isEmpty()) {
        c.add(member, "must be a non-empty string");
      }
    }
  }
}
