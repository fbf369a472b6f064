package io.paymesh.admin.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.RawHttp;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP surface of the admin API against a real app and etcd: credentials only in the
 * Authorization header, authentication of every method, security headers on every answer,
 * Jetty's own errors as JSON, encoded slashes, and the admin port (loopback, no tasks).
 */
class HttpSurfaceTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP =
      AdminApp.extensionWithoutFourEyes(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final Http ADMIN_PORT = new Http(() -> APP.getAdminPort());
  private static final String ROUTES = KindSamples.ROUTE_TABLE.path();

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  // --- credentials in the URL ---

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH"})
  void tokenInQuery_isRefusedWith401_onEveryMethod_evenWithAValidHeader(String method)
      throws Exception {
    long before = ETCD.currentRevision();
    Http.Request request = HTTP.method(method, ROUTES + "?access_token=" + TestTokens.ADMIN)
        .token(TestTokens.ADMIN).ifMatch("\"1\"").reason("token in the URL");
    if (method.equals("PUT") || method.equals("POST") || method.equals("PATCH")) {
      request.yaml(KindSamples.ROUTE_TABLE.first());
    }
    Http.Reply reply = request.send();

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.header("WWW-Authenticate")).contains("Bearer realm=\"paymesh\"");
    if (!method.equals("HEAD")) {
      assertThat(reply.json().path("code").asInt()).isEqualTo(401);
      assertThat(reply.json().path("message").asText())
          .contains("query parameter access_token")
          .doesNotContain(TestTokens.ADMIN);
    }
    assertSecurityHeaders(reply);
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @ParameterizedTest
  @ValueSource(strings = {"token", "API_KEY", "apiKey", "Password", "secret", "auth",
      "Authorization", "bearer", "JWT", "session", "key", "access%5Ftoken", "Access_Token"})
  void everyCredentialLikeParameter_inAnyCase_isRefused(String name) {
    Http.Reply reply = HTTP.get("/v1/services?" + name + "=x").token(TestTokens.VIEWER).send();

    assertThat(reply.status()).as(name).isEqualTo(401);
    assertThat(reply.json().path("message").asText()).contains("credentials in the URL");
  }

  // --- authentication of every method ---

  @ParameterizedTest
  @ValueSource(strings = {"OPTIONS", "HEAD", "GET", "PATCH"})
  void everyMethod_withoutToken_is401(String method) {
    for (String path : new String[] {"/v1/services", ROUTES, "/v1/audit", "/v1/no-such-thing",
        "/nowhere"}) {
      Http.Reply reply = HTTP.method(method, path).send();
      assertThat(reply.status()).as(method + " " + path).isEqualTo(401);
      assertSecurityHeaders(reply);
    }
  }

  @Test
  void optionsAndHead_withToken_answer() {
    assertThat(HTTP.method("OPTIONS", ROUTES).token(TestTokens.VIEWER).send().status())
        .isEqualTo(200);
    Http.Reply head = HTTP.method("HEAD", "/v1/services").token(TestTokens.VIEWER).send();
    assertThat(head.status()).isEqualTo(200);
    assertSecurityHeaders(head);
  }

  // --- security headers and JSON errors ---

  @Test
  void securityHeaders_areOnAnswersAndErrors() {
    assertSecurityHeaders(HTTP.get("/v1/services").token(TestTokens.VIEWER).send());
    assertSecurityHeaders(HTTP.get("/v1/services").send());
    assertSecurityHeaders(HTTP.get("/v1/services/nope").token(TestTokens.VIEWER).send());
    assertSecurityHeaders(HTTP.get("/v1/services?bogus=1").token(TestTokens.VIEWER).send());
    assertSecurityHeaders(HTTP.put("/v1/services/x").token(TestTokens.VIEWER).yaml("a: b").send());
  }

  @Test
  void unknownPath_isJson404_andWrongMethod_isJson405() {
    Http.Reply unknown = HTTP.get("/v1/no-such-thing/at/all").token(TestTokens.VIEWER).send();
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("code").asInt()).isEqualTo(404);
    assertThat(unknown.header("Content-Type")).hasValueSatisfying(
        t -> assertThat(t).startsWith("application/json"));
    Http.Reply outside = HTTP.get("/favicon.ico").token(TestTokens.VIEWER).send();
    assertThat(outside.status()).isEqualTo(404);
    assertThat(outside.json().path("code").asInt()).isEqualTo(404);

    Http.Reply wrongMethod = HTTP.method("PATCH", ROUTES).token(TestTokens.ADMIN).send();
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.json().path("code").asInt()).isEqualTo(405);
    assertSecurityHeaders(wrongMethod);
  }

  @Test
  void requestJettyCannotParse_isJson400() {
    RawHttp.Reply reply = RawHttp.send(APP.getLocalPort(),
        "GET /v1/services/%zz HTTP/1.1", "Host: 127.0.0.1",
        "Authorization: Bearer " + TestTokens.VIEWER);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.json().path("code").asInt()).isEqualTo(400);
    assertRawSecurityHeaders(reply);
  }

  @Test
  void tooLongUri_isJson414() {
    RawHttp.Reply reply = RawHttp.send(APP.getLocalPort(),
        "GET /v1/services?namePrefix=" + "a".repeat(40_000) + " HTTP/1.1", "Host: 127.0.0.1");

    assertThat(reply.status()).isIn(414, 431);
    assertThat(reply.json().path("code").asInt()).isEqualTo(reply.status());
    assertRawSecurityHeaders(reply);
  }

  @Test
  void tenMebibyteHeader_isJson431_notA503() throws Exception {
    long before = ETCD.currentRevision();
    byte[] head = ("PUT " + ROUTES + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + TestTokens.ADMIN + "\r\n"
        + "X-Paymesh-Reason: " + "r".repeat(10 * 1024 * 1024) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);

    RawHttp.Reply reply = RawHttp.send(APP.getLocalPort(), head, new byte[0]);

    assertThat(reply.status()).isEqualTo(431);
    assertThat(reply.json().path("code").asInt()).isEqualTo(431);
    assertThat(reply.json().path("message").asText()).contains("headers are larger");
    assertRawSecurityHeaders(reply);
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  // --- slashes in names ---

  @ParameterizedTest
  @ValueSource(strings = {"%2F", "%2f", "%5C"})
  void encodedSlashInAName_isJson400_forReadsAndWrites(String slash) throws Exception {
    long before = ETCD.currentRevision();
    Http.Reply read = HTTP.get("/v1/services/pay" + slash + "ments").token(TestTokens.VIEWER)
        .send();
    Http.Reply write = HTTP.put("/v1/routetables/fraud" + slash + "x").token(TestTokens.ADMIN)
        .header("If-None-Match", "*").yaml(KindSamples.ROUTE_TABLE.first()).send();

    for (Http.Reply reply : new Http.Reply[] {read, write}) {
      assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
      assertThat(reply.json().path("message").asText()).isEqualTo(EncodedSlashFilter.MESSAGE);
      assertSecurityHeaders(reply);
    }
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  // --- the admin port ---

  @ParameterizedTest
  @ValueSource(strings = {"/tasks/log-level?logger=org.eclipse.jetty&level=DEBUG", "/tasks/gc"})
  void adminTasks_areOff(String task) {
    Http.Reply reply = ADMIN_PORT.post(task).send();

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().path("message").asText()).isEqualTo(AdminTasksOffFilter.MESSAGE);
    assertThat(org.slf4j.LoggerFactory.getLogger("org.eclipse.jetty.server").isDebugEnabled())
        .isFalse();
  }

  @Test
  void adminConnector_withoutBindHost_listensOnLoopback() {
    // admin-test.yaml gives the admin connector no bindHost.
    Connector[] connectors = APP.getEnvironment().getApplicationContext().getServer()
        .getConnectors();
    ServerConnector admin = null;
    for (Connector connector : connectors) {
      if (connector instanceof ServerConnector server
          && server.getLocalPort() == APP.getAdminPort()) {
        admin = server;
      }
    }
    assertThat(admin).isNotNull();
    assertThat(admin.getHost()).isEqualTo("127.0.0.1");
    assertThat(ADMIN_PORT.get("/healthcheck").send().status()).isEqualTo(200);
  }

  static void assertSecurityHeaders(Http.Reply reply) {
    assertThat(reply.header("X-Content-Type-Options")).as(reply.toString()).contains("nosniff");
    assertThat(reply.raw().headers().allValues("Cache-Control")).as(reply.toString())
        .containsExactly("no-store");
  }

  static void assertRawSecurityHeaders(RawHttp.Reply reply) {
    assertThat(reply.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
  }
}
