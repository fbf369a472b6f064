package io.paymesh.admin.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

/**
 * The JSON bodies of Jetty's own errors, for statuses the integration tests cannot provoke (a
 * 500 from a servlet) and for reasons that must not be echoed.
 */
class JsonErrorHandlerTest {

  private final JsonErrorHandler handler = new JsonErrorHandler();

  @Test
  void badMessage_isTheApisJsonErrorShape_withSecurityHeaders() throws Exception {
    HttpFields.Mutable fields = HttpFields.build();

    JsonNode body = json(handler.badMessageError(400, "Ambiguous URI path separator", fields));

    assertThat(body.path("code").asInt()).isEqualTo(400);
    assertThat(body.path("message").asText()).isEqualTo("Bad Request: Ambiguous URI path separator");
    assertThat(body.path("errors")).isEmpty();
    assertThat(fields.get("Content-Type")).isEqualTo("application/json");
    assertThat(fields.get("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(fields.get("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void messages_useFixedTexts_andNeverEchoAReasonThatIsNotAPlainPhrase() {
    assertThat(JsonErrorHandler.message(500, "java.lang.IllegalStateException: secret=abc"))
        .isEqualTo("Server Error: internal error");
    assertThat(JsonErrorHandler.message(400, "Illegal character 'Bearer abc\"<script>'"))
        .isEqualTo("Bad Request");
    assertThat(JsonErrorHandler.message(431, null))
        .isEqualTo("Request Header Fields Too Large: the request headers are larger than this "
            + "server accepts");
    assertThat(JsonErrorHandler.message(405, "whatever")).isEqualTo(
        "Method Not Allowed: the endpoint does not take this method");
  }

  private static JsonNode json(ByteBuffer buffer) throws Exception {
    return new ObjectMapper().readTree(StandardCharsets.UTF_8.decode(buffer).toString());
  }
}
