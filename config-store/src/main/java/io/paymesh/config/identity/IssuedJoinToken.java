package io.paymesh.config.identity;

import java.time.Instant;
import java.util.Objects;

/**
 * A join token just stored by {@link JoinTokens#create}: the secret to hand to the operator once,
 * and what it allows. {@link #toString()} shows the token redacted, like {@link JoinToken}.
 *
 * @param revision the etcd revision of the transaction that stored it and its audit record
 */
public record IssuedJoinToken(JoinToken token, String service, Instant expiresAt, long revision) {
  public IssuedJoinToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }
}
