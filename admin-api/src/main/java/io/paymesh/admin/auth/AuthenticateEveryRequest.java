package io.paymesh.admin.auth;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.IOException;

/**
 * Runs the bearer-token check on every request of the API, before Jersey matches it to a
 * resource. Bound to resource methods only (Dropwizard's AuthDynamicFeature), the check would
 * miss the methods Jersey answers by itself: {@code OPTIONS} on any path, and unknown paths,
 * whose 404 or 405 would tell an anonymous caller which endpoints exist. Every request is 401
 * without a valid token.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public final class AuthenticateEveryRequest implements ContainerRequestFilter {

  private final ContainerRequestFilter authFilter;

  public AuthenticateEveryRequest(ContainerRequestFilter authFilter) {
    this.authFilter = authFilter;
  }

  @Override
  public void filter(ContainerRequestContext request) throws IOException {
    authFilter.filter(request);
  }
}
