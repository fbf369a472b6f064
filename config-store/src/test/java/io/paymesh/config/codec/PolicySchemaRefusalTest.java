package io.paymesh.config.codec;

import static io.paymesh.config.codec.SchemaValidation.codecErrors;
import static io.paymesh.config.codec.SchemaValidation.schemaErrors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the codec refuses, the schema refuses too where a schema can say it, and the schema never
 * refuses what the codec accepts. Checked on named cases an operator would write, and on every
 * field of the every-field documents in turn: an unknown field beside it or a value of the wrong
 * type (both refuse), and changes only the validator can judge (left out, a list emptied or with
 * a repeated element, an empty string, boundary integers: the schema refuses only what the codec
 * refuses).
 */
class PolicySchemaRefusalTest {
  private final PolicyCodec codec = new PolicyCodec();

  static Stream<Arguments> invalidDocuments() {
    return Stream.of(
        invalid("unknown top-level field", """
            {kind: PeerAuthentication, name: p, spec: {service: s, mode: STRICT}, revision: 7}"""),
        invalid("unknown spec field (a typo)", """
            {kind: Service, name: s, spec: {ports: [{name: grpc, port: 1, tragetPort: 2, protocol: GRPC}],
             identity: 'spiffe://d/s', pciScope: NONE}}"""),
        invalid("inline key material", """
            {kind: RequestAuthentication, name: j, spec: {service: edge, issuers: [{issuer: i,
             audiences: [a], jwksUri: 'https://i/jwks', jwks: '{"keys": []}'}]}}"""),
        invalid("wrong type: port as a string", """
            {kind: Gateway, name: g, spec: {service: edge, listeners: [{name: https, port: '8443'}],
             apis: [{name: a, hosts: [h], versions: [{name: v1, backend: b, timeout: 1s}]}]}}"""),
        invalid("wrong type: spec a list", "{kind: PeerAuthentication, name: p, spec: []}"),
        invalid("missing required field: identity", """
            {kind: Service, name: s, spec: {ports: [{name: grpc, port: 1, targetPort: 2, protocol: GRPC}],
             pciScope: NONE}}"""),
        invalid("missing required field: spec", "{kind: PeerAuthentication, name: p}"),
        invalid("missing required mode (no default)", "{kind: PeerAuthentication, name: p, spec: {service: s}}"),
        invalid("bad enum: pciScope", """
            {kind: Service, name: s, spec: {ports: [{name: grpc, port: 1, targetPort: 2, protocol: GRPC}],
             identity: 'spiffe://d/s', pciScope: SECRET}}"""),
        invalid("bad enum: lower case", "{kind: PeerAuthentication, name: p, spec: {service: s, mode: strict}}"),
        invalid("unknown kind", "{kind: VirtualService, name: p, spec: {}}"),
        invalid("name not a DNS label", "{kind: PeerAuthentication, name: Payments, spec: {service: s, mode: STRICT}}"),
        invalid("duration with hours", """
            {kind: PaymentProcessor, name: p, spec: {endpoints: [{address: a.b, port: 443, region: r, priority: 0}],
             tls: {sni: a.b, trustedCaSecret: ca, subjectAltNames: [a.b]}, connectTimeout: 1h}}"""),
        invalid("path match with exact and prefix", """
            {kind: RateLimitPolicy, name: r, spec: {service: s, limits: [{name: l, path: {exact: /a, prefix: /b},
             key: {caller: true}, tokens: 1, interval: 1s, burst: 1}]}}"""),
        invalid("rate limit key caller: false", """
            {kind: RateLimitPolicy, name: r, spec: {service: s, limits: [{name: l, key: {caller: false},
             tokens: 1, interval: 1s, burst: 1}]}}"""),
        invalid("header present: false", """
            {kind: RouteTable, name: t, spec: {host: h, routes: [{name: r, match: {path: {prefix: /},
             headers: [{name: x-a, present: false}]}, destination: {target: a}, operation: READ, timeout: 1s}]}}"""),
        invalid("stickyBy on a single target", """
            {kind: RouteTable, name: t, spec: {host: h, routes: [{name: r, match: {path: {prefix: /}},
             destination: {target: a, stickyBy: x-m}, operation: READ, timeout: 1s}]}}"""),
        invalid("route without path or path-prefix apiVersion", """
            {kind: RouteTable, name: t, spec: {host: h, routes: [{name: r, match: {apiVersion: {value: v1, in: HEADER}},
             destination: {target: a}, operation: READ, timeout: 1s}]}}"""),
        invalid("abort with both statuses", """
            {kind: RouteTable, name: t, spec: {host: h, routes: [{name: r, match: {path: {prefix: /}},
             destination: {target: a}, operation: READ, timeout: 1s, fault: {drill: d,
             abort: {httpStatus: 503, grpcStatus: UNAVAILABLE, percentage: 1}, maxActiveFaults: 1}}]}}"""),
        invalid("retired version with a backend", """
            {kind: Gateway, name: g, spec: {service: edge, listeners: [{name: https, port: 8443}],
             apis: [{name: a, hosts: [h], versions: [{name: v0, status: RETIRED, sunset: 2026-01-01, backend: b}]}]}}"""),
        invalid("deprecated version without sunset", """
            {kind: Gateway, name: g, spec: {service: edge, listeners: [{name: https, port: 8443}],
             apis: [{name: a, hosts: [h], versions: [{name: v1, status: DEPRECATED, backend: b, timeout: 1s,
             deprecatedOn: 2026-01-01}]}]}}"""),
        invalid("too many retries", """
            {kind: RouteTable, name: t, spec: {host: h, routes: [{name: r, match: {path: {prefix: /}},
             destination: {target: a}, operation: READ, timeout: 9s,
             retry: {retryOn: [connect-failure], numRetries: 6}}]}}"""));
  }

  /** A YAML flow mapping (a leading comment, so the codec does not read it as JSON). */
  private static Arguments invalid(String name, String document) {
    return Arguments.of(Named.of(name, "# " + name + "\n" + document));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidDocuments")
  void invalidDocument_isRefusedByCodecAndSchema(String text) throws Exception {
    JsonNode document = codec.readTrees(text).get(0);

    assertThat(codecErrors(codec, document)).as("codec").isNotEmpty();
    assertThat(schemaErrors(document)).as("schema").isNotEmpty();
    assertThat(SchemaValidation.anyKindErrors(document)).as("schema of any kind").isNotEmpty();
  }

  @Test
  void unknownFieldBesideAnyField_isRefusedByBoth() throws Exception {
    List<String> disagreements = new ArrayList<>();
    forEachMutation(
        (document, object, field) -> object.put("x-unknown-" + field, 1),
        (where, document) -> {
          if (codecErrors(codec, document).isEmpty() || schemaErrors(document).isEmpty()) {
            disagreements.add(where);
          }
        });
    assertThat(disagreements).isEmpty();
  }

  @Test
  void wrongTypeForAnyField_isRefusedByBoth() throws Exception {
    List<String> disagreements = new ArrayList<>();
    forEachMutation(
        (document, object, field) -> {
          if (object.get(field).isContainerNode()) {
            object.put(field, "a string");
          } else {
            object.putObject(field);
          }
        },
        (where, document) -> {
          if (codecErrors(codec, document).isEmpty() || schemaErrors(document).isEmpty()) {
            disagreements.add(where);
          }
        });
    assertThat(disagreements).isEmpty();
  }

  /**
   * Changes that may or may not make a document invalid: the schema may let through what only the
   * validator can judge, but must never refuse what the codec accepts.
   */
  static Stream<Arguments> neverStricterMutations() {
    return Stream.of(
        mutation("left out", (object, field) -> object.remove(field)),
        mutation("a list with its first element repeated", (object, field) -> {
          if (object.get(field) instanceof ArrayNode list && !list.isEmpty()) {
            list.add(list.get(0).deepCopy());
          }
        }),
        mutation("a list emptied", (object, field) -> {
          if (object.get(field) instanceof ArrayNode list) {
            list.removeAll();
          }
        }),
        mutation("a string emptied", (object, field) -> {
          if (object.get(field).isTextual()) {
            object.put(field, "");
          }
        }),
        mutation("an integer 0", (object, field) -> replaceInt(object, field, 0)),
        mutation("an integer 1", (object, field) -> replaceInt(object, field, 1)),
        mutation("an integer -1", (object, field) -> replaceInt(object, field, -1)),
        mutation("an integer 65536", (object, field) -> replaceInt(object, field, 65536)),
        mutation("an integer at int32 max",
            (object, field) -> replaceInt(object, field, Integer.MAX_VALUE)));
  }

  private static void replaceInt(ObjectNode object, String field, int value) {
    if (object.get(field).isIntegralNumber()) {
      object.put(field, value);
    }
  }

  private static Arguments mutation(String name, BiConsumer<ObjectNode, String> change) {
    return Arguments.of(Named.of(name, change));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("neverStricterMutations")
  void anyField_changed_isRefusedBySchemaOnlyIfRefusedByCodec(
      BiConsumer<ObjectNode, String> change) throws Exception {
    List<String> stricterSchema = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    forEachMutation(
        (document, object, field) -> change.accept(object, field),
        (where, document) -> {
          checked.add(where);
          if (!schemaErrors(document).isEmpty() && codecErrors(codec, document).isEmpty()) {
            stricterSchema.add(where + ": " + schemaErrors(document));
          }
        });
    assertThat(stricterSchema).isEmpty();
    assertThat(checked).hasSizeGreaterThan(100);
  }

  private interface Mutation {
    void apply(JsonNode document, ObjectNode object, String field);
  }

  /**
   * Applies {@code mutation} to each field of each every-field document in turn (on a fresh copy)
   * and hands the result to {@code check}, named by document and field path.
   */
  private void forEachMutation(Mutation mutation, BiConsumer<String, JsonNode> check)
      throws Exception {
    List<JsonNode> documents =
        codec.readTrees(PolicySchemaSyncTest.resource(PolicySchemaSyncTest.EVERY_FIELD));
    for (int d = 0; d < documents.size(); d++) {
      JsonNode original = documents.get(d);
      List<String> pointers = new ArrayList<>();
      fieldPointers(original, "", pointers);
      for (String pointer : pointers) {
        JsonNode copy = original.deepCopy();
        int slash = pointer.lastIndexOf('/');
        ObjectNode parent = (ObjectNode) copy.at(pointer.substring(0, slash));
        mutation.apply(copy, parent, pointer.substring(slash + 1));
        check.accept(original.path("kind").asText() + " " + original.path("name").asText() + pointer, copy);
      }
    }
  }

  private static void fieldPointers(JsonNode node, String pointer, List<String> out) {
    if (node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        out.add(pointer + "/" + field);
        fieldPointers(node.get(field), pointer + "/" + field, out);
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        fieldPointers(array.get(i), pointer + "/" + i, out);
      }
    }
  }
}
