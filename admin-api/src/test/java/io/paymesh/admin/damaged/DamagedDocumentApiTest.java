package io.paymesh.admin.damaged;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A document damaged in etcd (written around the API, no longer decoding) reads as 200 with
 * {@code damaged: true}, its reasons, its stored text, the last good version proxies still get,
 * and the ETag of the damaged revision; lists show it flagged.
 */
class DamagedDocumentApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private final DamagedDocuments etcd = new DamagedDocuments(ETCD);

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @ParameterizedTest
  @EnumSource(KindSamples.class)
  void get_ofADamagedDocument_showsTheDamageTheLastGoodVersionAndTheETag(KindSamples sample)
      throws Exception {
    long good = DamagedDocuments.create(HTTP, sample);
    String damagedText = DamagedDocuments.damage(sample.first());
    long damaged = etcd.putRaw(sample.kind(), sample.documentName(), damagedText);

    Http.Reply read = HTTP.get(sample.path()).token(TestTokens.VIEWER).send();

    assertThat(read.status()).as(read.toString()).isEqualTo(200);
    assertThat(read.etag()).isEqualTo("\"" + damaged + "\"");
    JsonNode body = read.json();
    assertThat(body.path("kind").asText()).isEqualTo(sample.kind().wireName());
    assertThat(body.path("name").asText()).isEqualTo(sample.documentName());
    assertThat(body.path("revision").asLong()).isEqualTo(damaged);
    assertThat(body.path("damaged").asBoolean()).isTrue();
    assertThat(texts(body.path("reasons"))).containsExactly("retired: unknown field");
    assertThat(body.path("stored").asText()).isEqualTo(damagedText);
    assertThat(body.has("storedTruncated")).isFalse();
    JsonNode lastGood = body.path("lastGood");
    assertThat(lastGood.path("revision").asLong()).isEqualTo(good);
    ObjectNode lastGoodDocument = lastGood.deepCopy();
    lastGoodDocument.remove("revision");
    assertThat(lastGoodDocument).isEqualTo(JSON.readTree(
        DamagedDocuments.CODEC.toJson(DamagedDocuments.CODEC.decode(sample.first()))));
  }

  @Test
  void get_ofADamagedDocumentWithNoLastGoodVersion_showsNone() throws Exception {
    long damaged = etcd.putRaw(Kind.SERVICE, "reports", "{not json");

    Http.Reply read = HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send();

    assertThat(read.status()).isEqualTo(200);
    assertThat(read.etag()).isEqualTo("\"" + damaged + "\"");
    assertThat(read.json().path("damaged").asBoolean()).isTrue();
    assertThat(read.json().path("reasons")).hasSize(1);
    assertThat(read.json().path("reasons").get(0).asText()).startsWith("must be valid YAML or JSON: ");
    assertThat(read.json().has("lastGood")).isFalse();
    assertThat(read.json().path("stored").asText()).isEqualTo("{not json");
  }

  @Test
  void get_redactsAPastedPrivateKey_andCutsAnOverlongText() throws Exception {
    String key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
        + "-----END PRIVATE KEY-----";
    etcd.putRaw(Kind.SERVICE, "reports", "{\"kind\":\"Service\",\"name\":\"reports\",\"spec\":"
        + "{\"key\":\"" + key + "\"}}");
    etcd.putRaw(Kind.SERVICE, "huge", "x".repeat(100_000));

    Http.Reply withKey = HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send();
    Http.Reply huge = HTTP.get("/v1/services/huge").token(TestTokens.VIEWER).send();

    assertThat(withKey.json().path("stored").asText())
        .doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
        .contains("[redacted: private key]");
    assertThat(withKey.body()).doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    assertThat(huge.json().path("stored").asText()).hasSize(64 * 1024);
    assertThat(huge.json().path("storedTruncated").asBoolean()).isTrue();
  }

  @Test
  void list_flagsDamagedDocuments_withoutTheirStoredText() throws Exception {
    long damaged = etcd.putRaw(Kind.SERVICE, "fraud", DamagedDocuments.damage("""
        kind: Service
        name: fraud
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: spiffe://paymesh.local/ns/payments/sa/fraud
          pciScope: NONE
          dependencies: []
        """));
    etcd.putRaw(Kind.SERVICE, "zz-broken", "{not json");

    Http.Reply list = HTTP.get("/v1/services").token(TestTokens.VIEWER).send();

    assertThat(list.status()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    list.json().path("items").forEach(item -> names.add(item.path("name").asText()));
    assertThat(names).containsExactly(
        "checkout", "fraud", "ledger", "payments-v1", "payments-v2", "zz-broken");
    JsonNode fraud = list.json().path("items").get(1);
    assertThat(fraud.path("damaged").asBoolean()).isTrue();
    assertThat(fraud.path("revision").asLong()).isEqualTo(damaged);
    assertThat(texts(fraud.path("reasons"))).containsExactly("retired: unknown field");
    assertThat(fraud.path("lastGood").path("spec").path("pciScope").asText()).isEqualTo("NONE");
    assertThat(fraud.has("stored")).isFalse();
    assertThat(list.json().path("items").get(0).has("damaged")).isFalse();

    // Content filters judge a damaged document by its last good version; one without is left
    // out of them, since its content cannot be judged.
    assertThat(names(HTTP.get("/v1/services?pciScope=NONE").token(TestTokens.VIEWER).send()))
        .containsExactly("fraud");
    assertThat(names(HTTP.get("/v1/services?namePrefix=zz").token(TestTokens.VIEWER).send()))
        .containsExactly("zz-broken");
  }

  @Test
  void identityOfADamagedService_isThatOfItsLastGoodVersion_or404WithoutOne() throws Exception {
    etcd.putRaw(Kind.SERVICE, "fraud", "{not json");
    etcd.putRaw(Kind.SERVICE, "reports", "{not json");

    Http.Reply kept = HTTP.get("/v1/identities/fraud").token(TestTokens.VIEWER).send();
    Http.Reply none = HTTP.get("/v1/identities/reports").token(TestTokens.VIEWER).send();

    assertThat(kept.status()).as(kept.toString()).isEqualTo(200);
    assertThat(kept.json().path("identity").asText())
        .isEqualTo("spiffe://paymesh.local/ns/payments/sa/fraud");
    assertThat(none.status()).as(none.toString()).isEqualTo(404);
    assertThat(none.json().path("message").asText()).contains("damaged");
  }

  private static List<String> names(Http.Reply reply) {
    List<String> names = new ArrayList<>();
    reply.json().path("items").forEach(item -> names.add(item.path("name").asText()));
    return names;
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
