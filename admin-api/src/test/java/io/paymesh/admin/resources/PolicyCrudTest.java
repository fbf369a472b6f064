package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.testing.EtcdExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Create, read, list, update and delete of every policy kind through HTTP against a real etcd,
 * with the ETag rules (If-Match, If-None-Match, 412, 428) and the error answers for bodies that
 * do not parse (400) or do not validate (422, every path).
 */
class PolicyCrudTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PolicyCodec CODEC = new PolicyCodec();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extensionWithoutFourEyes(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void samples_coverEveryKind() {
    assertThat(KindSamples.coversEveryKind()).isTrue();
  }

  @ParameterizedTest
  @EnumSource(KindSamples.class)
  void crud_ofEveryKind_createsReadsListsUpdatesAndDeletes(KindSamples sample) throws Exception {
    // Create (YAML), create-only.
    Http.Reply created = HTTP.put(sample.path()).token(sample.token()).reason("crud")
        .header("If-None-Match", "*").yaml(sample.first()).send();
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    long createdRevision = created.etagRevision();
    assertThat(created.json()).isEqualTo(canonical(sample.first()));

    // Read, as a viewer.
    Http.Reply read = HTTP.get(sample.path()).token(TestTokens.VIEWER).send();
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.etag()).isEqualTo(created.etag());
    assertThat(read.json()).isEqualTo(canonical(sample.first()));

    // List with a name prefix that selects only this document.
    Http.Reply list = HTTP.get("/v1/" + sample.kind().pathSegment() + "?namePrefix=" + sample.documentName())
        .token(TestTokens.VIEWER).send();
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().path("items")).hasSize(1);
    assertThat(list.json().path("items").get(0).path("name").asText()).isEqualTo(sample.documentName());
    assertThat(list.json().path("items").get(0).path("revision").asLong()).isEqualTo(createdRevision);

    // Update (JSON body) with the ETag.
    String updatedJson = CODEC.toJson(CODEC.decode(sample.updated()));
    Http.Reply updated = HTTP.put(sample.path()).token(sample.token()).ifMatch(read.etag())
        .reason("crud").json(updatedJson).send();
    assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
    assertThat(updated.etagRevision()).isGreaterThan(createdRevision);
    assertThat(updated.json()).isEqualTo(JSON.readTree(updatedJson));
    Http.Reply reread = HTTP.get(sample.path()).token(TestTokens.VIEWER).send();
    assertThat(reread.json()).isEqualTo(JSON.readTree(updatedJson));
    assertThat(reread.etag()).isEqualTo(updated.etag());

    // Delete with the ETag; then it is gone.
    Http.Reply deleted = HTTP.delete(sample.path()).token(sample.token()).ifMatch(reread.etag())
        .reason("crud").send();
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.json().path("changes").get(0).path("operation").asText()).isEqualTo("DELETE");
    Http.Reply gone = HTTP.get(sample.path()).token(TestTokens.VIEWER).send();
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().path("message").asText())
        .isEqualTo(sample.kind().wireName() + "/" + sample.documentName() + " does not exist");
  }

  @Test
  void list_filtersByServiceHostAndPciScope() {
    assertThat(names(HTTP.get("/v1/services?pciScope=CDE").token(TestTokens.VIEWER).send()))
        .containsExactly("ledger");
    assertThat(names(HTTP.get("/v1/routetables?host=payments").token(TestTokens.VIEWER).send()))
        .containsExactly("payments");
    assertThat(names(HTTP.get("/v1/authorizationpolicies?service=ledger").token(TestTokens.VIEWER).send()))
        .containsExactly("ledger-callers");
    assertThat(names(HTTP.get("/v1/services?namePrefix=payments-").token(TestTokens.VIEWER).send()))
        .containsExactly("payments-v1", "payments-v2");
    Http.Reply wrongFilter = HTTP.get("/v1/services?host=payments").token(TestTokens.VIEWER).send();
    assertThat(wrongFilter.status()).isEqualTo(400);
    assertThat(wrongFilter.json().path("message").asText())
        .isEqualTo("the host filter applies only to routetables");
  }

  @Test
  void put_whenDocumentIsInvalid_returns422WithEveryPath_andWritesNothing() throws Exception {
    long before = ETCD.currentRevision();
    Http.Reply reply = HTTP.put("/v1/routetables/fraud").token(TestTokens.OPERATOR).yaml("""
        kind: RouteTable
        name: fraud
        spec:
          host: fraud
          routes:
            - name: score
              match: {path: {prefix: /fraud.v1.Fraud/}}
              destination: {target: fraud}
              operation: READ
              timeout: 0s
              retry: {retryOn: [5xx], numRetries: 2}
        """).send();
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.json().path("code").asInt()).isEqualTo(422);
    assertThat(reply.json().path("message").asText()).isEqualTo("the document is invalid");
    assertThat(errors(reply)).containsExactly(
        "routes[score].timeout: must be > 0",
        "routes[score].retry.perTryTimeout: "
            + "required when retrying conditions other than connect-failure and refused-stream");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void put_whenKindOrNameDifferFromTheUrl_returns422() {
    Http.Reply reply = HTTP.put("/v1/routetables/other").token(TestTokens.ADMIN)
        .yaml(KindSamples.SERVICE.first()).send();
    assertThat(reply.status()).isEqualTo(422);
    assertThat(errors(reply)).containsExactly(
        "kind: must be RouteTable to match the URL", "name: must be other to match the URL");
  }

  @Test
  void put_whenBodyDoesNotParse_returns400WithoutEchoingIt() {
    Http.Reply json = HTTP.put("/v1/services/reports").token(TestTokens.OPERATOR)
        .json("{\"kind\": \"Service\", secret-value").send();
    assertThat(json.status()).isEqualTo(400);
    assertThat(json.json().path("message").asText()).startsWith("the request body is not valid JSON (line 1, column ");
    assertThat(json.body()).doesNotContain("secret-value");

    Http.Reply yaml = HTTP.put("/v1/services/reports").token(TestTokens.OPERATOR)
        .yaml("kind: Service\n  name: [secret-value").send();
    assertThat(yaml.status()).isEqualTo(400);
    assertThat(yaml.json().path("message").asText()).startsWith("the request body is not valid YAML");
    assertThat(yaml.body()).doesNotContain("secret-value");
  }

  @Test
  void put_withStaleETag_returns412_andKeepsTheNewerVersion() {
    Http.Reply first = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send();
    Http.Reply winner = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .ifMatch(first.etag()).yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();
    assertThat(winner.status()).as(winner.toString()).isEqualTo(200);

    Http.Reply loser = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .ifMatch(first.etag()).yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();
    assertThat(loser.status()).isEqualTo(412);
    assertThat(loser.json().path("message").asText()).isEqualTo(
        "RouteTable/payments is at revision " + winner.etagRevision()
            + ", expected revision " + first.etagRevision() + " (If-Match)");
    assertThat(HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send().etag())
        .isEqualTo(winner.etag());
  }

  @Test
  void put_onExistingDocumentWithoutIfMatch_returns428() {
    Http.Reply reply = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();
    assertThat(reply.status()).isEqualTo(428);
    assertThat(reply.json().path("message").asText())
        .isEqualTo("RouteTable/payments exists: send If-Match with the ETag of a GET to update it");
  }

  @Test
  void put_createOnlyOnExistingDocument_returns412() {
    Http.Reply reply = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .header("If-None-Match", "*").yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();
    assertThat(reply.status()).isEqualTo(412);
    assertThat(reply.json().path("message").asText()).startsWith("RouteTable/payments is at revision ");
  }

  @Test
  void delete_withoutIfMatch_returns428_andDeletesNothing() {
    Http.Reply reply = HTTP.delete("/v1/services/fraud").token(TestTokens.OPERATOR).send();
    assertThat(reply.status()).isEqualTo(428);
    assertThat(reply.json().path("message").asText())
        .isEqualTo("deleting Service/fraud requires If-Match with the ETag of a GET");
    assertThat(HTTP.get("/v1/services/fraud").token(TestTokens.VIEWER).send().status()).isEqualTo(200);
  }

  @Test
  void put_withAnUnsupportedContentType_returns415AsJson() {
    Http.Reply reply = HTTP.put("/v1/services/reports").token(TestTokens.OPERATOR)
        .body("text/plain", KindSamples.SERVICE.first()).send();
    assertThat(reply.status()).isEqualTo(415);
    assertThat(reply.body()).isEqualTo("{\"code\":415,\"message\":\"Unsupported Media Type\",\"errors\":[]}");
  }

  @Test
  void unknownKind_returns404() {
    Http.Reply reply = HTTP.get("/v1/gateways").token(TestTokens.VIEWER).send();
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().path("message").asText()).startsWith("unknown kind 'gateways', expected one of services, ");
  }

  static JsonNode canonical(String yaml) throws Exception {
    return JSON.readTree(CODEC.toJson(CODEC.decode(yaml)));
  }

  static java.util.List<String> names(Http.Reply reply) {
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    java.util.List<String> names = new java.util.ArrayList<>();
    reply.json().path("items").forEach(i -> names.add(i.path("name").asText()));
    return names;
  }

  static java.util.List<String> errors(Http.Reply reply) {
    java.util.List<String> errors = new java.util.ArrayList<>();
    reply.json().path("errors").forEach(e -> errors.add(e.path("path").asText() + ": " + e.path("message").asText()));
    return errors;
  }
}
