package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A document read with GET, as JSON or YAML, can be PUT back unchanged with its ETag, and that
 * write changes nothing: no etcd revision, no audit record. The revision is the ETag, never part
 * of the body.
 */
class DocumentRoundTripTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PolicyCodec CODEC = new PolicyCodec();
  private static final String ROUTES = "/v1/routetables/payments";

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/yaml", "text/yaml", "application/x-yaml"})
  void get_withAcceptYaml_answersTheCodecsYaml_withoutRevision(String type) throws Exception {
    Http.Reply json = HTTP.get(ROUTES).token(TestTokens.VIEWER).send();
    Http.Reply yaml = HTTP.get(ROUTES).token(TestTokens.VIEWER).header("Accept", type).send();

    assertThat(yaml.status()).as(yaml.toString()).isEqualTo(200);
    assertThat(yaml.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith(type));
    assertThat(yaml.header("Vary").orElseThrow().split(",\\s*")).contains("Accept");
    assertThat(yaml.etag()).isEqualTo(json.etag());
    assertThat(yaml.body()).isEqualTo(CODEC.toYaml(CODEC.decode(json.body())));
    assertThat(yaml.body()).doesNotContain("revision");
  }

  @Test
  void get_withoutAccept_orAcceptingAnything_answersJson_withoutRevision() throws Exception {
    for (String accept : new String[] {null, "*/*", "application/json",
        "application/yaml;q=0.5, application/json"}) {
      Http.Request request = HTTP.get(ROUTES).token(TestTokens.VIEWER);
      if (accept != null) {
        request.header("Accept", accept);
      }
      Http.Reply reply = request.send();
      assertThat(reply.status()).as(accept + ": " + reply).isEqualTo(200);
      assertThat(reply.header("Content-Type")).as(accept)
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(reply.json().has("revision")).as(accept).isFalse();
      assertThat(reply.json()).isEqualTo(JSON.readTree(CODEC.toJson(CODEC.decode(reply.body()))));
    }
  }

  @Test
  void get_withAnAcceptItCannotAnswer_is406AsJson() {
    Http.Reply reply = HTTP.get(ROUTES).token(TestTokens.VIEWER).header("Accept", "text/html").send();
    assertThat(reply.status()).isEqualTo(406);
    assertThat(reply.json().path("code").asInt()).isEqualTo(406);
  }

  @ParameterizedTest
  @EnumSource(KindSamples.class)
  void yamlOfAGet_putBackWithItsETag_isANoOp(KindSamples sample) throws Exception {
    AdminApp.approveIfProposed(HTTP, HTTP.put(sample.path()).token(sample.token())
        .reason("round trip").header("If-None-Match", "*").yaml(sample.first()).send());
    Http.Reply read = HTTP.get(sample.path()).token(TestTokens.VIEWER)
        .header("Accept", "application/yaml").send();
    long revision = ETCD.currentRevision();
    int audited = auditEntries(sample);

    // A viewer may not write: the no-op is still a write request and checked as one.
    Http.Reply byViewer = HTTP.put(sample.path()).token(TestTokens.VIEWER).ifMatch(read.etag())
        .yaml(read.body()).send();
    Http.Reply again = HTTP.put(sample.path()).token(sample.token()).ifMatch(read.etag())
        .yaml(read.body()).send();

    assertThat(byViewer.status()).isEqualTo(403);
    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.etag()).isEqualTo(read.etag());
    assertThat(again.json()).isEqualTo(JSON.readTree(CODEC.toJson(CODEC.decode(read.body()))));
    assertThat(ETCD.currentRevision()).as("no write").isEqualTo(revision);
    assertThat(auditEntries(sample)).as("no audit record").isEqualTo(audited);
  }

  @Test
  void jsonOfAGet_putBackWithItsETag_isANoOp_evenForACdeDocumentWithoutReason() throws Exception {
    // ledger-callers guards the CDE service ledger: a change would need a reason and four eyes.
    String path = "/v1/authorizationpolicies/ledger-callers";
    Http.Reply read = HTTP.get(path).token(TestTokens.VIEWER).send();
    long revision = ETCD.currentRevision();

    Http.Reply again = HTTP.put(path).token(TestTokens.SECURITY).ifMatch(read.etag())
        .json(read.body()).send();

    assertThat(again.status()).as(again.toString()).isEqualTo(200);
    assertThat(again.etag()).isEqualTo(read.etag());
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void theSameDocumentWithAStaleETag_isStill412() {
    Http.Reply first = HTTP.get(ROUTES).token(TestTokens.VIEWER).send();
    Http.Reply moved = HTTP.put(ROUTES).token(TestTokens.OPERATOR).ifMatch(first.etag())
        .yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();
    assertThat(moved.status()).as(moved.toString()).isEqualTo(200);

    Http.Reply stale = HTTP.put(ROUTES).token(TestTokens.OPERATOR).ifMatch(first.etag())
        .yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();

    assertThat(stale.status()).isEqualTo(412);
  }

  @Test
  void theSameDocumentWithoutIfMatch_isStill428() {
    Http.Reply read = HTTP.get(ROUTES).token(TestTokens.VIEWER).send();
    Http.Reply blind = HTTP.put(ROUTES).token(TestTokens.OPERATOR).json(read.body()).send();
    assertThat(blind.status()).isEqualTo(428);
  }

  private static int auditEntries(KindSamples sample) {
    return HTTP.get("/v1/audit?kind=" + sample.kind().pathSegment() + "&name="
        + sample.documentName()).token(TestTokens.VIEWER).send().json().path("entries").size();
  }
}
