package io.paymesh.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.admin.api.ErrorResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The API's JSON error body ({@link ErrorResponse}) for answers written outside Jersey: by the
 * servlet filters in front of it and by Jetty's error handling.
 */
public final class JsonErrors {

  public static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonErrors() {}

  public static byte[] body(int status, String message) {
    try {
      return MAPPER.writeValueAsBytes(ErrorResponse.of(status, message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an error body always serializes", e);
    }
  }

  /** Answers with the error, replacing whatever the response held (headers kept). */
  public static void write(HttpServletResponse response, int status, String message)
      throws IOException {
    byte[] body = body(status, message);
    response.resetBuffer();
    response.setStatus(status);
    SecurityHeaders.apply(response);
    response.setContentType(CONTENT_TYPE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
