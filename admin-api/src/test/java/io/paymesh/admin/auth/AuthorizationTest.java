package io.paymesh.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may do what, through HTTP: no or an unknown token is 401 (JSON, the token not echoed),
 * a role that may not write a kind is 403 and nothing is written; health needs no token.
 */
class AuthorizationTest {

  private static final String UNAUTHORIZED =
      "{\"code\":401,\"message\":\"a valid bearer token is required\",\"errors\":[]}";

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final Http ADMIN_PORT = new Http(() -> APP.getAdminPort());

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void request_withoutToken_is401() {
    Http.Reply reply = HTTP.get("/v1/services").send();
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).isEqualTo(UNAUTHORIZED);
    assertThat(reply.header("WWW-Authenticate")).contains("Bearer realm=\"paymesh\"");
  }

  @Test
  void request_withUnknownToken_is401_andDoesNotEchoIt() {
    Http.Reply reply = HTTP.get("/v1/services").token("guessed-token-1234").send();
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.body()).isEqualTo(UNAUTHORIZED);
  }

  @Test
  void request_withOtherScheme_is401() {
    Http.Reply reply = HTTP.get("/v1/services").header("Authorization", "Basic " + TestTokens.ADMIN).send();
    assertThat(reply.status()).isEqualTo(401);
  }

  @Test
  void openApi_needsAToken() {
    assertThat(HTTP.get("/v1/openapi.yaml").send().status()).isEqualTo(401);
    Http.Reply reply = HTTP.get("/v1/openapi.yaml").token(TestTokens.VIEWER).send();
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).startsWith("openapi: 3.0.3");
  }

  @Test
  void viewer_reads_butMayNotWrite() {
    assertThat(HTTP.get("/v1/services/checkout").token(TestTokens.VIEWER).send().status()).isEqualTo(200);

    Http.Reply write = HTTP.put(KindSamples.SERVICE.path()).token(TestTokens.VIEWER)
        .yaml(KindSamples.SERVICE.first()).send();
    assertThat(write.status()).isEqualTo(403);
    assertThat(write.body()).isEqualTo("{\"code\":403,\"message\":\"role may not write Service\",\"errors\":[]}");
    assertThat(HTTP.get(KindSamples.SERVICE.path()).token(TestTokens.VIEWER).send().status()).isEqualTo(404);

    Http.Reply apply = HTTP.post("/v1/apply").token(TestTokens.VIEWER).yaml(KindSamples.SERVICE.first()).send();
    assertThat(apply.status()).isEqualTo(403);
    assertThat(apply.json().path("message").asText()).isEqualTo("role may not write policy");
  }

  @Test
  void operator_mayNotWriteAuthorizationPolicy() {
    Http.Reply reply = HTTP.put(KindSamples.AUTHORIZATION_POLICY.path()).token(TestTokens.OPERATOR)
        .yaml(KindSamples.AUTHORIZATION_POLICY.first()).send();
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().path("message").asText()).isEqualTo("role may not write AuthorizationPolicy");
    assertThat(HTTP.get(KindSamples.AUTHORIZATION_POLICY.path()).token(TestTokens.VIEWER).send().status())
        .isEqualTo(404);
  }

  @Test
  void operator_applyingABundleWithASecurityKind_is403ForTheWholeBundle() {
    Http.Reply reply = HTTP.post("/v1/apply").token(TestTokens.OPERATOR)
        .yaml(KindSamples.SERVICE.first() + "---\n" + KindSamples.PEER_AUTHENTICATION.first()).send();
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.json().path("message").asText()).isEqualTo("role may not write PeerAuthentication");
    assertThat(HTTP.get(KindSamples.SERVICE.path()).token(TestTokens.VIEWER).send().status()).isEqualTo(404);
  }

  @Test
  void securityAdmin_mayNotWriteRouteTable_butMayWriteAuthorizationPolicy() {
    Http.Reply current = HTTP.get("/v1/routetables/payments").token(TestTokens.SECURITY).send();
    Http.Reply route = HTTP.put("/v1/routetables/payments").token(TestTokens.SECURITY)
        .ifMatch(current.etag()).yaml(PolicyDocs.paymentsRouteTo("payments-v2")).send();
    assertThat(route.status()).isEqualTo(403);
    assertThat(route.json().path("message").asText()).isEqualTo("role may not write RouteTable");

    Http.Reply policy = HTTP.put(KindSamples.AUTHORIZATION_POLICY.path()).token(TestTokens.SECURITY)
        .reason("CHG-7").yaml(KindSamples.AUTHORIZATION_POLICY.first()).send();
    assertThat(policy.status()).as(policy.toString()).isEqualTo(201);
  }

  @Test
  void admin_writesEveryKind() {
    for (KindSamples sample : KindSamples.values()) {
      Http.Reply reply = AdminApp.approveIfProposed(HTTP, HTTP.put(sample.path())
          .token(TestTokens.ADMIN).reason("CHG-8").yaml(sample.first()).send());
      assertThat(reply.status()).as(sample + ": " + reply).isIn(200, 201);
      assertThat(HTTP.get(sample.path()).token(TestTokens.VIEWER).send().status()).isEqualTo(200);
    }
  }

  @Test
  void healthcheck_onTheAdminPort_needsNoToken() {
    Http.Reply reply = ADMIN_PORT.get("/healthcheck").send();
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().path("etcd").path("healthy").asBoolean()).isTrue();
  }

  @Test
  void tokens_neverAppearInTheLog() {
    ListAppender<ILoggingEvent> log = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    log.start();
    root.addAppender(log);
    try {
      HTTP.get("/v1/services").token("guessed-token-1234").send();
      HTTP.put(KindSamples.SERVICE.path()).token(TestTokens.VIEWER).yaml(KindSamples.SERVICE.first()).send();
      Http.Reply created = HTTP.put(KindSamples.SERVICE.path()).token(TestTokens.OPERATOR)
          .yaml(KindSamples.SERVICE.first()).send();
      assertThat(created.status()).isEqualTo(201);
    } finally {
      root.detachAppender(log);
    }
    List<String> lines = log.list.stream()
        .map(e -> e.getFormattedMessage()
            + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
        .toList();
    // The write is logged (so the log was captured), with the token's name as the actor...
    assertThat(lines).anyMatch(l -> l.startsWith("Service/reports CREATE at revision ")
        && l.endsWith(" by " + TestTokens.OPERATOR_NAME));
    // ...and no token, valid or not, appears anywhere.
    assertThat(lines).noneMatch(l -> l.contains("guessed-token-1234") || l.contains(TestTokens.VIEWER)
        || l.contains(TestTokens.OPERATOR) || l.contains(TestTokens.ADMIN));
  }
}
