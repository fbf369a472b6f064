package io.paymesh.admin.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.RawHttp;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reasons round-trip through the audit API as the caller wrote them, whether sent as raw UTF-8
 * header bytes or in RFC 8187 notation, and are capped at 1024 code points (400 naming where
 * the reason came from, nothing written).
 */
class ReasonsTest {

  private static final String UNICODE = "Erstattung für Händler: 5 € zurück 🚀 (CHG-42)";

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP =
      AdminApp.extensionWithoutFourEyes(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final KindSamples SAMPLE = KindSamples.ROUTE_TABLE;

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void rawUtf8HeaderBytes_areStoredAsSent() {
    RawHttp.Reply reply = createWithRawReason(UNICODE.getBytes(StandardCharsets.UTF_8));

    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(lastAuditReason()).isEqualTo(UNICODE);
  }

  @Test
  void rfc8187Notation_isDecoded() {
    String encoded = "UTF-8''" + URLEncoder.encode(UNICODE, StandardCharsets.UTF_8)
        .replace("+", "%20");

    Http.Reply reply = HTTP.put(SAMPLE.path()).token(SAMPLE.token()).header("If-None-Match", "*")
        .reason(encoded).yaml(SAMPLE.first()).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
    assertThat(lastAuditReason()).isEqualTo(UNICODE);
  }

  @Test
  void latin1HeaderBytes_thatAreNotUtf8_areReadAsLatin1() {
    RawHttp.Reply reply = createWithRawReason("Grüße".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    assertThat(lastAuditReason()).isEqualTo("Grüße");
  }

  @Test
  void reasonOf1024CodePoints_isAccepted_and1025_is400NamingTheHeader() throws Exception {
    String emoji = "🚀"; // one code point, two UTF-16 chars, four UTF-8 bytes
    long before = ETCD.currentRevision();
    Http.Reply tooLong = HTTP.put(SAMPLE.path()).token(SAMPLE.token())
        .header("If-None-Match", "*").reason(rfc8187(emoji.repeat(1025)))
        .yaml(SAMPLE.first()).send();

    assertThat(tooLong.status()).as(tooLong.toString()).isEqualTo(400);
    assertThat(tooLong.json().path("message").asText()).isEqualTo("invalid reason in "
        + "X-Paymesh-Reason: at most 1024 characters (Unicode code points), got 1025");
    assertThat(tooLong.json().path("errors").get(0).path("path").asText())
        .isEqualTo("X-Paymesh-Reason");
    assertThat(ETCD.currentRevision()).isEqualTo(before);

    Http.Reply longest = HTTP.put(SAMPLE.path()).token(SAMPLE.token())
        .header("If-None-Match", "*").reason(rfc8187(emoji.repeat(1024)))
        .yaml(SAMPLE.first()).send();
    assertThat(longest.status()).as(longest.toString()).isEqualTo(201);
    assertThat(lastAuditReason()).isEqualTo(emoji.repeat(1024));
  }

  @Test
  void bodyReasonTooLong_is400NamingTheField() throws Exception {
    long before = ETCD.currentRevision();
    Http.Reply reply = HTTP.post("/v1/apply").token(SAMPLE.token()).json(
        "{\"reason\":\"" + "x".repeat(1025) + "\",\"documents\":["
            + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(SAMPLE.first()))
            + "]}").send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
    assertThat(reply.json().path("errors").get(0).path("path").asText()).isEqualTo("reason");
    assertThat(ETCD.currentRevision()).isEqualTo(before);
  }

  @Test
  void malformedRfc8187_andControlCharacters_are400() {
    for (String reason : new String[] {"UTF-8''%E2%82", "UTF-8''%zz", "UTF-8''a b",
        "UTF-8''line%0Abreak", "UTF-8'no-second-quote"}) {
      Http.Reply reply = HTTP.put(SAMPLE.path()).token(SAMPLE.token())
          .header("If-None-Match", "*").reason(reason).yaml(SAMPLE.first()).send();
      assertThat(reply.status()).as(reason + " " + reply).isEqualTo(400);
      assertThat(reply.json().path("message").asText()).startsWith("invalid reason in "
          + "X-Paymesh-Reason: ");
    }
  }

  /** Creates the sample document with these exact bytes as the reason header's value. */
  private static RawHttp.Reply createWithRawReason(byte[] reason) {
    byte[] body = SAMPLE.first().getBytes(StandardCharsets.UTF_8);
    byte[] head = ("PUT " + SAMPLE.path() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Authorization: Bearer " + SAMPLE.token() + "\r\n"
        + "If-None-Match: *\r\nContent-Type: application/yaml\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "X-Paymesh-Reason: ").getBytes(StandardCharsets.US_ASCII);
    byte[] request = new byte[head.length + reason.length + 2];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(reason, 0, request, head.length, reason.length);
    request[request.length - 2] = '\r';
    request[request.length - 1] = '\n';
    return RawHttp.send(APP.getLocalPort(), request, body);
  }

  private static String rfc8187(String text) {
    return "UTF-8''" + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String lastAuditReason() {
    JsonNode entries = HTTP.get("/v1/audit?kind=routetables&name=" + SAMPLE.documentName())
        .token(TestTokens.VIEWER).send().json().path("entries");
    return entries.get(entries.size() - 1).path("reason").asText();
  }
}
