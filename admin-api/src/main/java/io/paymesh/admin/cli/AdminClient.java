package io.paymesh.admin.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * HTTP to the admin API with the operator's token. Writes carry an Idempotency-Key, and are
 * retried with the same key when the answer is lost (connection broken, 503): the API applies a
 * key at most once, so a retry either finds the write's outcome or makes it.
 */
final class AdminClient {

  static final String JSON = "application/json";
  static final String YAML = "application/yaml";
  /** For answers that are not documents, such as the mesh picture in its asked-for format. */
  static final String ANY = "*/*";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int WRITE_ATTEMPTS = 3;

  private final URI server;
  private final BearerToken token;
  private final HttpClient http;

  AdminClient(URI server, BearerToken token) {
    this.server = server;
    this.token = token;
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  URI server() {
    return server;
  }

  /** A read; {@code accept} is the media type wanted. */
  ApiReply get(String path, String accept) {
    return send(request("GET", path, Map.of("Accept", accept), null, null));
  }

  /** A read that writes nothing though it is a POST (a plan). */
  ApiReply postRead(String path, String contentType, String body) {
    return send(request("POST", path, Map.of(), contentType, body));
  }

  /** A request that writes nothing (a dry run), sent once, without an Idempotency-Key. */
  ApiReply send(String method, String path, Map<String, String> headers) {
    return send(request(method, path, headers, null, null));
  }

  /**
   * A write with a fresh Idempotency-Key; retried under the same key if no answer came or etcd
   * was unavailable.
   */
  ApiReply write(String method, String path, Map<String, String> headers, String contentType,
      String body) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("Idempotency-Key", "paymeshctl-" + UUID.randomUUID());
    HttpRequest request = request(method, path, all, contentType, body);
    CtlException lastFailure = null;
    for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      try {
        ApiReply reply = send(request);
        if (reply.status() != 503 || attempt == WRITE_ATTEMPTS) {
          return reply;
        }
      } catch (CtlException unreachable) {
        lastFailure = unreachable;
      }
      pause(attempt);
    }
    throw lastFailure;
  }

  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest request(String method, String path, Map<String, String> headers,
      String contentType, String body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(server.resolve(path))
        .timeout(TIMEOUT)
        .header("Authorization", token.authorization())
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    headers.forEach(builder::header);
    return builder.build();
  }

  private ApiReply send(HttpRequest request) {
    try {
      HttpResponse<String> response =
          http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Optional<String> etag = response.headers().firstValue("ETag");
      Optional<String> location = response.headers().firstValue("Location");
      return new ApiReply(response.statusCode(), etag, location, response.body());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw unreachable("connection refused or timed out");
    } catch (HttpTimeoutException e) {
      throw unreachable("no answer within " + TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw unreachable(e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException(ExitCodes.ERROR, "interrupted");
    }
  }

  private CtlException unreachable(String why) {
    return new CtlException(ExitCodes.UNREACHABLE,
        "cannot reach the admin API at " + server + ": " + why);
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(500L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CtlException(ExitCodes.ERROR, "interrupted");
    }
  }
}
