package io.paymesh.xds.agent;

import java.time.Instant;

/**
 * The workload certificate expired before a renewal succeeded. The agent cannot recover on its
 * own: a renewal must be authenticated by a valid certificate, so only a new join token (and a
 * restart) gets the workload an identity again.
 */
public final class IdentityExpiredException extends IssuanceException {
  private final Instant notAfter;

  public IdentityExpiredException(String spiffeId, Instant notAfter, String lastFailure) {
    super("the workload certificate " + spiffeId + " expired at " + notAfter
        + " without a renewal (last attempt: " + lastFailure + "); a new join token is needed:"
        + " provide one (--join-token-file or " + JoinTokenSource.ENVIRONMENT_VARIABLE
        + ") and restart the agent");
    this.notAfter = notAfter;
  }

  public Instant notAfter() {
    return notAfter;
  }
}
