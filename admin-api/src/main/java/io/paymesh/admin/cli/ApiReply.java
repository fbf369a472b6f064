package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One answer of the admin API: status, the headers paymeshctl reads, and the body. */
record ApiReply(int status, Optional<String> etag, Optional<String> location, String body) {

  private static final ObjectMapper JSON = new ObjectMapper();

  boolean ok() {
    return status >= 200 && status < 300;
  }

  JsonNode json() {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new CtlException(ExitCodes.ERROR, "the admin API answered " + status
          + " with a body that is not JSON");
    }
  }

  /**
   * Throws the API's error as a {@link CtlException}: {@code what} (the operation and the
   * document it was about), the API's message and every error with its path.
   */
  ApiReply requireOk(String what) {
    if (ok()) {
      return this;
    }
    throw failure(what);
  }

  CtlException failure(String what) {
    return new CtlException(ExitCodes.forStatus(status), what + ": " + describeError());
  }

  /** {@code 422 the change is refused} plus one indented {@code path: message} line per error. */
  String describeError() {
    JsonNode error = json();
    String message = error.path("message").asText("");
    StringBuilder text = new StringBuilder().append(status);
    if (!message.isEmpty()) {
      text.append(' ').append(message);
    }
    for (String line : errorLines(error, "")) {
      text.append("\n  ").append(line);
    }
    return text.toString();
  }

  /** The errors of an error body (or a plan) as {@code path: message}, each path prefixed. */
  static List<String> errorLines(JsonNode body, String prefix) {
    List<String> lines = new ArrayList<>();
    for (JsonNode e : body.path("errors")) {
      String path = e.path("path").asText("");
      String full = prefix.isEmpty() ? path : path.isEmpty() ? prefix : prefix + "." + path;
      lines.add((full.isEmpty() ? "" : full + ": ") + e.path("message").asText());
    }
    return lines;
  }
}
