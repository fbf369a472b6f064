package io.paymesh.config.identity;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link JoinTokens#consume} did with a presented token. Only {@link Outcome#CONSUMED}
 * allows a certificate; in every case the token can no longer be used. It never holds the token.
 *
 * @param stored the record the token had, for the refusal's log line; empty if there was none
 */
public record JoinTokenConsumption(Outcome outcome, Optional<StoredJoinToken> stored) {
  public enum Outcome {
    /** This call removed the token, which was live and issued for the requested service. */
    CONSUMED,
    /**
     * No such token: never issued, already consumed (possibly by a concurrent call on another
     * replica), or removed by its etcd lease after its TTL.
     */
    UNKNOWN_OR_USED,
    /** Its {@code expiresAt} had passed though its lease had not yet removed it; now removed. */
    EXPIRED,
    /** It was issued for another service; now removed. */
    OTHER_SERVICE
  }

  public JoinTokenConsumption {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(stored, "stored");
  }

  public boolean consumed() {
    return outcome == Outcome.CONSUMED;
  }
}
