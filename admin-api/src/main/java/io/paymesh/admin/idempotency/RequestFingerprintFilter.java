package io.paymesh.admin.idempotency;

import io.paymesh.admin.resources.Headers;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Fingerprints every write that carries an {@code Idempotency-Key}, before a resource reads the
 * body: SHA-256 over the method, the raw path and query, the headers that change what a write
 * does ({@code Content-Type}, {@code If-Match}, {@code If-None-Match}, the reason) and the body
 * bytes. {@link IdempotentWrites} compares it with the fingerprint stored under the key, so a
 * key reused for a different request is told apart from a retry.
 */
public final class RequestFingerprintFilter implements ContainerRequestFilter {

  /** The request property holding the fingerprint (lowercase hex). */
  static final String PROPERTY = RequestFingerprintFilter.class.getName();
  private static final Set<String> WRITES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH);
  private static final List<String> HEADERS = List.of(HttpHeaders.CONTENT_TYPE,
      HttpHeaders.IF_MATCH, HttpHeaders.IF_NONE_MATCH, Headers.REASON);

  private final int maxBodyBytes;

  /** @param maxBodyBytes the largest body any resource accepts; a larger one is not fingerprinted */
  public RequestFingerprintFilter(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    if (!WRITES.contains(request.getMethod())
        || request.getHeaderString(Headers.IDEMPOTENCY_KEY) == null) {
      return;
    }
    byte[] body = request.hasEntity()
        ? request.getEntityStream().readNBytes(maxBodyBytes + 1)
        : new byte[0];
    if (body.length > maxBodyBytes) {
      // Too large for any resource, whose body reader refuses it: hand it on untouched.
      request.setEntityStream(new SequenceInputStream(new ByteArrayInputStream(body),
          request.getEntityStream()));
      return;
    }
    request.setEntityStream(new ByteArrayInputStream(body));
    MessageDigest digest = sha256();
    update(digest, request.getMethod());
    update(digest, request.getUriInfo().getRequestUri().getRawPath());
    update(digest, String.valueOf(request.getUriInfo().getRequestUri().getRawQuery()));
    for (String header : HEADERS) {
      update(digest, header + ": " + request.getHeaders().getOrDefault(header, List.of()));
    }
    digest.update(body);
    request.setProperty(PROPERTY, HexFormat.of().formatHex(digest.digest()));
  }

  /** Length-prefixed, so that no two different sequences of parts hash the same input. */
  private static void update(MessageDigest digest, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }
}
