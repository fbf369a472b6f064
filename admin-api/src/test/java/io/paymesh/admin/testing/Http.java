package io.paymesh.admin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * A small HTTP client for the admin API under test: builds requests with a token, headers and a
 * body, and returns status, headers and the body parsed as JSON. Thread-safe (the concurrency
 * test shares one).
 */
public final class Http {

  public static final String JSON = "application/json";
  public static final String YAML = "application/yaml";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
  private final IntSupplier port;

  /** @param port the application (or admin) port, read lazily once the app has started */
  public Http(IntSupplier port) {
    this.port = port;
  }

  /** One response: status, headers (first value each) and the body. */
  public record Reply(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      String body = raw.body();
      if (body == null || body.isEmpty()) {
        return MissingNode.getInstance();
      }
      try {
        return MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public String body() {
      return raw.body();
    }

    public Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    public String etag() {
      return header("ETag").orElseThrow(() -> new AssertionError("no ETag in " + raw));
    }

    /** The revision a document answer carries in its ETag ({@code "42"} is 42). */
    public long etagRevision() {
      return Long.parseLong(etag().replace("\"", ""));
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public Request get(String path) {
    return new Request("GET", path);
  }

  public Request put(String path) {
    return new Request("PUT", path);
  }

  public Request post(String path) {
    return new Request("POST", path);
  }

  public Request delete(String path) {
    return new Request("DELETE", path);
  }

  /** Any other method: OPTIONS, HEAD, PATCH... */
  public Request method(String method, String path) {
    return new Request(method, path);
  }

  /** A request being built; {@link #send()} performs it. */
  public final class Request {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;

    private Request(String method, String path) {
      this.method = method;
      this.path = path;
    }

    public Request token(String token) {
      return header("Authorization", "Bearer " + token);
    }

    public Request header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Request ifMatch(String etag) {
      return header("If-Match", etag);
    }

    public Request reason(String reason) {
      return header("X-Paymesh-Reason", reason);
    }

    public Request json(String json) {
      return body(JSON, json);
    }

    public Request yaml(String yaml) {
      return body(YAML, yaml);
    }

    public Request body(String contentType, String content) {
      headers.put("Content-Type", contentType);
      this.body = content;
      return this;
    }

    public Reply send() {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.getAsInt() + path))
              .timeout(TIMEOUT)
              .method(method, body == null
                  ? HttpRequest.BodyPublishers.noBody()
                  : HttpRequest.BodyPublishers.ofString(body));
      headers.forEach(builder::header);
      try {
        HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response);
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + path, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }
}
