package io.paymesh.admin.http;

import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.resources.Headers;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.util.List;

/**
 * Decodes the {@value Headers#REASON} header once, for every endpoint, before any resource or the
 * idempotency fingerprint reads it ({@link Reasons}: RFC 8187 or raw UTF-8, capped), and puts the
 * decoded text back in its place, so resources read a plain {@code @HeaderParam}. Runs after
 * authentication: an unauthenticated caller learns nothing about its headers.
 */
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public final class ReasonHeaderFilter implements ContainerRequestFilter {

  @Override
  public void filter(ContainerRequestContext request) {
    List<String> values = request.getHeaders().get(Headers.REASON);
    if (values == null || values.isEmpty()) {
      return;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest(Headers.REASON + " is given more than once; send one reason");
    }
    request.getHeaders().putSingle(Headers.REASON, Reasons.fromHeader(values.get(0)));
  }
}
