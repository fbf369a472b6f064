package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.validation.PolicyValidationException;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded fuzz test of the document API: the shipped example policy
 * (envoy-configs/examples/payments-policy.yaml) is applied, then each of its documents is
 * mutated again and again (a field deleted, duplicated or given the wrong type, huge or odd
 * Unicode strings, extreme numbers, deep nesting, truncated text, random bytes) and written
 * through HTTP against a real etcd, with the role that may write it, a reason and the current
 * ETag. Whatever is sent:
 *
 * <ul>
 *   <li>no answer is a 5xx;
 *   <li>every 4xx is the API's JSON error ({@code code} = the status, a {@code message}), and a
 *       422 lists its errors each with a path and a message;
 *   <li>a 4xx changes nothing in etcd (its revision is the same after the request);
 *   <li>a 2xx is given only to a body that decodes and validates on its own; a 202 (proposed,
 *       four-eyes) leaves the policy in etcd as it was (only the proposal is written).
 * </ul>
 *
 * <p>Bounded in count ({@value #MUTATIONS} mutations) and in time ({@link #TIME_BUDGET}, after
 * which the loop stops by itself and reports how many it ran). The seed is fixed and logged, and
 * every failure names the seed, the iteration and the mutations, so a run is repeated exactly
 * with {@code -Dpaymesh.fuzz.seed=<seed>}. Plain JUnit 5 and {@link SplittableRandom}: jqwik's
 * author asks AI agents not to use it, and a seeded loop needs no engine (docs/security.md).
 */
class PolicyDocumentFuzzTest {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyDocumentFuzzTest.class);
  static final int MUTATIONS = 400;
  static final Duration TIME_BUDGET = Duration.ofMinutes(4);
  private static final long DEFAULT_SEED = 0x5EED_2026_1201L;
  private static final Path EXAMPLE =
      Path.of("..", "envoy-configs", "examples", "payments-policy.yaml");
  private static final String POLICY_PREFIX = AdminApp.PREFIX + "policy/";
  /** The API refuses bodies over 4 MiB with 413; a few mutations go past it. */
  private static final int OVER_BODY_LIMIT = 4 * 1024 * 1024 + 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final PolicyCodec CODEC = new PolicyCodec();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  /** Four-eyes on, as by default: CDE changes are proposed, which the test must tell apart. */
  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  private final List<JsonNode> examples = new ArrayList<>();
  private final Map<String, String> etags = new HashMap<>();

  @BeforeEach
  void applyTheExamplePolicy() throws Exception {
    ETCD.deleteAll();
    String example = Files.readString(EXAMPLE);
    Http.Reply applied = AdminApp.approveIfProposed(HTTP, HTTP.post("/v1/apply")
        .token(TestTokens.ADMIN).reason("fuzz baseline").yaml(example).send());
    assertThat(applied.status()).as(applied.toString()).isEqualTo(200);
    for (Object document : YAML.readValues(YAML.createParser(example), Object.class).readAll()) {
      JsonNode tree = JSON.valueToTree(document);
      examples.add(tree);
      refreshEtag(tree);
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES) // a backstop: the loop stops at TIME_BUDGET
  void mutatedDocuments_neverGet5xx_andARejectChangesNothing() throws Exception {
    long seed = Long.getLong("paymesh.fuzz.seed", DEFAULT_SEED);
    LOG.info("PolicyDocumentFuzzTest seed={} (repeat with -Dpaymesh.fuzz.seed={})", seed, seed);
    SplittableRandom random = new SplittableRandom(seed);
    Instant deadline = Instant.now().plus(TIME_BUDGET);
    Map<Integer, Integer> statuses = new TreeMap<>();
    int run = 0;
    for (; run < MUTATIONS && Instant.now().isBefore(deadline); run++) {
      Mutant mutant = mutate(random, examples.get(random.nextInt(examples.size())));
      String context = "seed " + seed + ", iteration " + run + ": " + mutant.describe();
      int status = sendAndCheck(mutant, context);
      statuses.merge(status, 1, Integer::sum);
    }
    LOG.info("PolicyDocumentFuzzTest ran {} mutations (seed {}), statuses {}", run, seed,
        statuses);
    // The time budget is generous: fewer than half the mutations means the API got slow.
    assertThat(run).as("mutations run within %s", TIME_BUDGET).isGreaterThan(MUTATIONS / 2);
    // The mutations reach validation and beyond, not only the parser.
    assertThat(statuses).containsKeys(400, 422);
  }

  /** Sends one mutant and checks the answer and etcd; returns the status. */
  private int sendAndCheck(Mutant mutant, String context) throws Exception {
    long revisionBefore = ETCD.currentRevision();
    Map<String, Long> policyBefore = policyKeys();
    HttpResponse<String> response = send(mutant);
    int status = response.statusCode();
    String answer = status + " " + abbreviate(response.body());
    assertThat(status).as("%s -> %s", context, answer).isLessThan(500);
    if (status >= 400) {
      checkJsonError(response, mutant, context + " -> " + answer);
      assertThat(ETCD.currentRevision()).as("etcd revision after %s -> %s", context, answer)
          .isEqualTo(revisionBefore);
      return status;
    }
    assertThat(status).as("%s -> %s", context, answer).isIn(200, 201, 202);
    assertValidOnItsOwn(mutant, context + " -> " + answer);
    if (status == 202) {
      // Proposed, not committed: the policy is as it was; withdraw the proposal again.
      assertThat(policyKeys()).as("policy/ after %s -> %s", context, answer)
          .isEqualTo(policyBefore);
      String id = JSON.readTree(response.body()).path("id").asText();
      Http.Reply withdrawn =
          HTTP.delete("/v1/proposals/" + id).token(TestTokens.ADMIN).reason("fuzz").send();
      assertThat(withdrawn.status()).as(withdrawn.toString()).isEqualTo(204);
    } else {
      refreshEtag(mutant.original());
    }
    return status;
  }

  private static void checkJsonError(HttpResponse<String> response, Mutant mutant,
      String context) throws IOException {
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as(context).startsWith("application/json");
    JsonNode error = JSON.readTree(response.body());
    assertThat(error.path("code").asInt()).as(context).isEqualTo(response.statusCode());
    assertThat(error.path("message").asText()).as(context).isNotBlank();
    if (response.statusCode() == 422) {
      assertThat(error.path("errors")).as(context).isNotEmpty();
      for (JsonNode each : error.path("errors")) {
        assertThat(each.path("message").asText()).as(context).isNotBlank();
        // The empty path is the document itself: only for a body that is not one object.
        if (each.path("path").asText().isBlank()) {
          assertThat(isOneObject(mutant.body()))
              .as("empty path of %s in %s", each, context).isFalse();
        }
      }
    }
  }

  private static boolean isOneObject(byte[] body) {
    try {
      List<JsonNode> documents =
          YAML.readValues(YAML.createParser(body), JsonNode.class).readAll();
      return documents.size() == 1 && documents.get(0).isObject();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** A body the API accepted must decode and validate without the rest of the policy. */
  private static void assertValidOnItsOwn(Mutant mutant, String context) {
    String text = new String(mutant.body(), StandardCharsets.UTF_8);
    try {
      CODEC.decode(text);
    } catch (PolicyValidationException e) {
      fail("accepted a document that does not validate: %s: %s", context, e.getMessage());
    }
  }

  private HttpResponse<String> send(Mutant mutant) throws Exception {
    JsonNode original = mutant.original();
    String path = "/v1/" + kindOf(original).pathSegment() + "/" + original.path("name").asText();
    HttpRequest request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TestTokens.ADMIN)
        .header("X-Paymesh-Reason", "fuzz")
        .header("If-Match", etags.get(key(original)))
        .header("Content-Type", mutant.contentType())
        .PUT(HttpRequest.BodyPublishers.ofByteArray(mutant.body()))
        .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void refreshEtag(JsonNode document) {
    String path = "/v1/" + kindOf(document).pathSegment() + "/" + document.path("name").asText();
    Http.Reply read = HTTP.get(path).token(TestTokens.VIEWER).send();
    assertThat(read.status()).as("GET %s: %s", path, read).isEqualTo(200);
    etags.put(key(document), read.etag());
  }

  /** Every key under policy/ with the revision it was last written at. */
  private static Map<String, Long> policyKeys() throws Exception {
    ByteSequence prefix = ByteSequence.from(POLICY_PREFIX, StandardCharsets.UTF_8);
    Map<String, Long> keys = new TreeMap<>();
    for (KeyValue kv : ETCD.client().getKVClient()
        .get(prefix, GetOption.builder().isPrefix(true).withKeysOnly(true).build())
        .get(10, TimeUnit.SECONDS).getKvs()) {
      keys.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getModRevision());
    }
    return keys;
  }

  private static Kind kindOf(JsonNode document) {
    return Kind.fromWireName(document.path("kind").asText()).orElseThrow();
  }

  private static String key(JsonNode document) {
    return document.path("kind").asText() + "/" + document.path("name").asText();
  }

  private static String abbreviate(String body) {
    return body == null || body.length() <= 600 ? body : body.substring(0, 600) + "...";
  }

  // ---------------------------------------------------------------- mutations

  /** A mutated document: the example it came from, the bytes sent and what was done to it. */
  private record Mutant(JsonNode original, byte[] body, String contentType, List<String> steps) {
    String describe() {
      return key(original) + " " + steps;
    }
  }

  /** Markers replaced in the serialized text, for what a tree cannot hold. */
  private static final String DEEP = "__fuzz_deep__";
  private static final String DUPLICATE_KEY = "__fuzz_duplicate__";

  /** Up to three tree mutations, then sometimes one on the text or the bytes. */
  private static Mutant mutate(SplittableRandom random, JsonNode example) throws IOException {
    JsonNode tree = example.deepCopy();
    List<String> steps = new ArrayList<>();
    String duplicated = null;
    // Now and then the document as it is (only re-serialized, maybe then cut or garbled), so
    // that accepted writes, and what is checked of them, are part of the run too.
    int treeMutations = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(3);
    if (treeMutations == 0) {
      steps.add("unchanged");
    }
    for (int i = 0; i < treeMutations; i++) {
      List<Slot> slots = new ArrayList<>();
      collectSlots(tree, "", slots);
      Slot slot = slots.get(random.nextInt(slots.size()));
      switch (random.nextInt(8)) {
        case 0 -> {
          slot.remove();
          steps.add("delete " + slot.path());
        }
        case 1 -> {
          duplicated = duplicate(random, slot, steps, duplicated);
        }
        case 2 -> {
          JsonNode wrong = wrongType(random, slot.get());
          slot.set(wrong);
          steps.add("wrong type " + slot.path() + "=" + abbreviate(wrong.toString()));
        }
        case 3 -> {
          int length = random.nextInt(50) == 0 ? OVER_BODY_LIMIT
              : 1 + random.nextInt(random.nextBoolean() ? 300 : 300_000);
          slot.set(TextNode.valueOf(repeat(random, length)));
          steps.add("huge string " + slot.path() + " (" + length + " chars)");
        }
        case 4 -> {
          String odd = ODD_STRINGS[random.nextInt(ODD_STRINGS.length)];
          slot.set(TextNode.valueOf(odd));
          steps.add("unicode " + slot.path() + "=" + JSON.writeValueAsString(odd));
        }
        case 5 -> {
          JsonNode number = EXTREME_NUMBERS[random.nextInt(EXTREME_NUMBERS.length)];
          slot.set(number);
          steps.add("number " + slot.path() + "=" + number);
        }
        case 6 -> {
          slot.set(TextNode.valueOf(DEEP));
          steps.add("deep nesting " + slot.path());
        }
        default -> {
          JsonNode other = EXAMPLE_SHAPES[random.nextInt(EXAMPLE_SHAPES.length)];
          slot.set(other);
          steps.add("foreign value " + slot.path() + "=" + other);
        }
      }
    }
    boolean yaml = random.nextBoolean();
    String text = yaml ? YAML.writeValueAsString(tree) : JSON.writeValueAsString(tree);
    // Deeper than Jackson's default nesting limit (1000), in flow style: valid JSON and YAML.
    String deep = random.nextBoolean() ? "[".repeat(1200) + "]".repeat(1200)
        : "{\"a\":".repeat(1200) + "1" + "}".repeat(1200);
    text = text.replace("\"" + DEEP + "\"", deep).replace(DEEP, deep);
    if (duplicated != null) {
      text = text.replace("\"" + DUPLICATE_KEY + "\"", "\"" + duplicated + "\"")
          .replace(DUPLICATE_KEY, duplicated);
    }
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    switch (random.nextInt(6)) {
      case 0 -> {
        int cut = random.nextInt(Math.max(1, body.length));
        body = Arrays.copyOf(body, cut);
        steps.add("truncated at byte " + cut);
      }
      case 1 -> {
        int start = random.nextInt(Math.max(1, body.length));
        int length = Math.min(body.length - start, 1 + random.nextInt(16));
        for (int i = start; i < start + length; i++) {
          body[i] = (byte) random.nextInt(256);
        }
        steps.add("random bytes at " + start + " (" + length + ")");
      }
      default -> { }
    }
    return new Mutant(example, body, yaml ? Http.YAML : Http.JSON, steps);
  }

  /** Duplicates an array element, or (in the text) an object's key; returns the key. */
  private static String duplicate(SplittableRandom random, Slot slot, List<String> steps,
      String duplicated) {
    JsonNode value = slot.get();
    if (value instanceof ArrayNode array && !array.isEmpty()) {
      array.add(array.get(random.nextInt(array.size())).deepCopy());
      steps.add("duplicate an element of " + slot.path());
      return duplicated;
    }
    if (duplicated == null && slot.parent() instanceof ObjectNode parent && slot.name() != null) {
      // A second field with the same name: only the text can say it twice.
      parent.set(DUPLICATE_KEY, value.deepCopy());
      steps.add("duplicate key " + slot.path());
      return slot.name();
    }
    slot.set(JsonNodeFactory.instance.arrayNode().add(value.deepCopy()).add(value.deepCopy()));
    steps.add("doubled into a list " + slot.path());
    return duplicated;
  }

  private static JsonNode wrongType(SplittableRandom random, JsonNode value) {
    List<JsonNode> others = new ArrayList<>(List.of(
        TextNode.valueOf("x"), IntNode.valueOf(1), BooleanNode.TRUE, NullNode.instance,
        JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.objectNode(),
        JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode())));
    others.removeIf(other -> other.getNodeType() == value.getNodeType());
    return others.get(random.nextInt(others.size()));
  }

  private static String repeat(SplittableRandom random, int length) {
    String unit = random.nextBoolean() ? "a" : "\u00e9\u4e2d\ud83d\ude00";
    StringBuilder out = new StringBuilder(length);
    while (out.length() < length) {
      out.append(unit);
    }
    return out.substring(0, length - (Character.isHighSurrogate(out.charAt(length - 1)) ? 1 : 0));
  }

  private static final String[] ODD_STRINGS = {
    "", " ", "\u0000", "\n", "a\nb: c", "\t", "\\", "\"", "'", "\u202e\u0644\u0627", "\u200b",
    "\ufeffpayments", "\ud83d\udcb3", "e\u0301", "\uff50\uff41\uff59\uff4d\uff45\uff4e\uff54\uff53",
    "payments/../ledger", "a/b", "a%2Fb", "%00", "*", "${env:HOME}", "<script>", "null", "true",
    "0x10", "1e400", "-0", "9223372036854775808", "PT1S", "1h1h", "-1s", "0s", "100000000000s",
    "spiffe://paymesh.local/../../x", "spiffe://", "HTTP", "CDE", "checkout", "GET"
  };

  private static final JsonNode[] EXTREME_NUMBERS = {
    IntNode.valueOf(-1), IntNode.valueOf(0), LongNode.valueOf(2_147_483_648L),
    LongNode.valueOf(-2_147_483_649L), LongNode.valueOf(Long.MAX_VALUE),
    LongNode.valueOf(Long.MIN_VALUE),
    JsonNodeFactory.instance.numberNode(new BigInteger("99999999999999999999999999999")),
    DoubleNode.valueOf(1e308), DoubleNode.valueOf(-1e308), DoubleNode.valueOf(0.5),
    DoubleNode.valueOf(-0.0), IntNode.valueOf(65_536), IntNode.valueOf(70_000)
  };

  /** Values of the right shape elsewhere in a policy, in the wrong place here. */
  private static final JsonNode[] EXAMPLE_SHAPES = {
    JsonNodeFactory.instance.objectNode().put("prefix", "/"),
    JsonNodeFactory.instance.objectNode().put("target", "payments-v1"),
    JsonNodeFactory.instance.arrayNode().add("checkout").add("checkout"),
    JsonNodeFactory.instance.objectNode().put("name", "grpc").put("port", 8443),
    TextNode.valueOf("3s"), TextNode.valueOf("NON_IDEMPOTENT_WRITE"), TextNode.valueOf("CDE")
  };

  /** A place in the tree that holds a value: an object's field or an array's element. */
  private record Slot(JsonNode parent, String name, int index, String path) {
    JsonNode get() {
      return name != null ? parent.get(name) : parent.get(index);
    }

    void set(JsonNode value) {
      if (name != null) {
        ((ObjectNode) parent).set(name, value);
      } else {
        ((ArrayNode) parent).set(index, value);
      }
    }

    void remove() {
      if (name != null) {
        ((ObjectNode) parent).remove(name);
      } else {
        ((ArrayNode) parent).remove(index);
      }
    }
  }

  private static void collectSlots(JsonNode node, String path, List<Slot> slots) {
    if (node instanceof ObjectNode object) {
      Iterator<String> names = object.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        String childPath = path.isEmpty() ? name : path + "." + name;
        slots.add(new Slot(object, name, -1, childPath));
        collectSlots(object.get(name), childPath, slots);
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        String childPath = path + "[" + i + "]";
        slots.add(new Slot(array, null, i, childPath));
        collectSlots(array.get(i), childPath, slots);
      }
    }
  }

}
