package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.identity.JoinToken;
import io.paymesh.config.identity.JoinTokenConsumption;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Workload identity operations through HTTP: who may create join tokens and revoke identities,
 * that a token appears only in its response (etcd holds its hash), that each is audited with its
 * reason, and that a created token really enrols once.
 */
class IdentityResourceTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final String CHECKOUT_TOKENS = "/v1/identities/checkout/join-tokens";

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void joinToken_bySecurityAdmin_isReturnedOnceAndStoredOnlyAsItsHash() throws Exception {
    Http.Reply reply = HTTP.post(CHECKOUT_TOKENS).token(TestTokens.SECURITY)
        .reason("enrol checkout-7").json("{\"ttl\": \"10m\"}").send();

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.header("Cache-Control"))
        .hasValueSatisfying(v -> assertThat(v).contains("no-store"));
    JsonNode body = reply.json();
    String token = body.path("token").asText();
    assertThat(body.path("service").asText()).isEqualTo("checkout");
    assertThat(token).hasSize(JoinToken.TEXT_LENGTH);
    String everything = etcdDump();
    assertThat(everything).doesNotContain(token)
        .contains(JoinToken.parse(token).sha256Hex());
    // It enrols exactly once.
    JoinTokens tokens = new JoinTokens(ETCD.client(), AdminApp.PREFIX);
    assertThat(tokens.consume(JoinToken.parse(token), "checkout").outcome())
        .isEqualTo(JoinTokenConsumption.Outcome.CONSUMED);
    assertThat(tokens.consume(JoinToken.parse(token), "checkout").outcome())
        .isEqualTo(JoinTokenConsumption.Outcome.UNKNOWN_OR_USED);
  }

  @Test
  void joinToken_isAuditedWithItsReason_andNeverInTheAuditLog() throws Exception {
    String token = HTTP.post(CHECKOUT_TOKENS).token(TestTokens.ADMIN)
        .reason("CHG-77 enrol").json("{}").send().json().path("token").asText();

    JsonNode entries = HTTP.get("/v1/audit?kind=services&name=checkout")
        .token(TestTokens.VIEWER).send().json().path("entries");
    JsonNode last = entries.get(entries.size() - 1);
    assertThat(last.path("operation").asText()).isEqualTo("ISSUE_JOIN_TOKEN");
    assertThat(last.path("actor").asText()).isEqualTo(TestTokens.ADMIN_NAME);
    assertThat(last.path("reason").asText()).isEqualTo("CHG-77 enrol");
    assertThat(entries.toString()).doesNotContain(token);
  }

  @Test
  void joinToken_byOperatorOrViewer_isForbidden() throws Exception {
    for (String caller : new String[] {TestTokens.OPERATOR, TestTokens.VIEWER}) {
      Http.Reply reply = HTTP.post(CHECKOUT_TOKENS).token(caller)
          .reason("try").json("{}").send();
      assertThat(reply.status()).isEqualTo(403);
      assertThat(reply.json().path("message").asText())
          .isEqualTo("role may not manage workload identities");
    }
    assertThat(etcdDump()).doesNotContain("identity/join-tokens/");
  }

  @Test
  void joinToken_withoutReason_orWithABadTtl_isRefusedWithThePath() throws Exception {
    Http.Reply noReason = HTTP.post(CHECKOUT_TOKENS).token(TestTokens.SECURITY)
        .json("{}").send();
    assertThat(noReason.status()).isEqualTo(422);
    assertThat(noReason.json().path("errors").get(0).path("path").asText()).isEqualTo("reason");

    Http.Reply badTtl = HTTP.post(CHECKOUT_TOKENS).token(TestTokens.SECURITY)
        .reason("enrol").json("{\"ttl\": \"3d\"}").send();
    assertThat(badTtl.status()).isEqualTo(422);
    assertThat(badTtl.json().path("errors").get(0).path("path").asText()).isEqualTo("ttl");
    assertThat(badTtl.json().path("errors").get(0).path("message").asText())
        .isEqualTo("must be a duration between 1m and 24h, like 15m");
    assertThat(etcdDump()).doesNotContain("identity/join-tokens/");
  }

  @Test
  void joinToken_forAnUnknownService_is404AndStoresNothing() throws Exception {
    Http.Reply reply = HTTP.post("/v1/identities/nobody/join-tokens")
        .token(TestTokens.SECURITY).reason("enrol").json("{}").send();

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().path("message").asText()).isEqualTo("no Service nobody in the policy");
    assertThat(etcdDump()).doesNotContain("identity/join-tokens/");
  }

  @Test
  void revoke_bySecurityAdmin_recordsWhenWhoAndWhy_andIsAudited() throws Exception {
    Http.Reply reply = HTTP.post("/v1/identities/payments-v1/revoke")
        .token(TestTokens.SECURITY).reason("INC-9 key leak").send();

    assertThat(reply.status()).isEqualTo(200);
    JsonNode revocation = reply.json().path("revocation");
    assertThat(revocation.path("by").asText()).isEqualTo(TestTokens.SECURITY_NAME);
    assertThat(revocation.path("reason").asText()).isEqualTo("INC-9 key leak");
    JsonNode read = HTTP.get("/v1/identities/payments-v1").token(TestTokens.VIEWER).send().json();
    assertThat(read.path("identity").asText()).startsWith("spiffe://");
    assertThat(read.path("revocation").path("revokedAt").asText())
        .isEqualTo(revocation.path("revokedAt").asText());
    JsonNode entries = HTTP.get("/v1/audit?kind=services&name=payments-v1")
        .token(TestTokens.VIEWER).send().json().path("entries");
    assertThat(entries.get(entries.size() - 1).path("operation").asText())
        .isEqualTo("REVOKE_IDENTITY");
  }

  @Test
  void revoke_byOperator_isForbidden_andWithoutReason_is422() throws Exception {
    assertThat(HTTP.post("/v1/identities/payments-v1/revoke").token(TestTokens.OPERATOR)
        .reason("x").send().status()).isEqualTo(403);
    assertThat(HTTP.post("/v1/identities/payments-v1/revoke").token(TestTokens.SECURITY)
        .send().status()).isEqualTo(422);
    assertThat(HTTP.get("/v1/identities/payments-v1").token(TestTokens.VIEWER).send().json()
        .path("revocation").isNull()).isTrue();
  }

  /** Every key and value under the admin API's prefix. */
  private static String etcdDump() throws Exception {
    StringBuilder dump = new StringBuilder();
    ETCD.client().getKVClient()
        .get(ByteSequence.from(AdminApp.PREFIX, StandardCharsets.UTF_8),
            GetOption.builder().isPrefix(true).build())
        .get().getKvs()
        .forEach(kv -> dump.append(kv.getKey().toString(StandardCharsets.UTF_8)).append('=')
            .append(kv.getValue().toString(StandardCharsets.UTF_8)).append('\n'));
    return dump.toString();
  }
}
