package io.paymesh.config.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.config.idempotency.IdempotencyRecord;
import io.paymesh.config.store.RecordJson;
import java.time.Instant;
import java.util.Objects;

/**
 * What a join token created under an idempotency key stored as its outcome: everything about the
 * issue except the token, which exists only in the first answer. So a retry learns that a token
 * was issued and until when it is valid, but cannot get the token again.
 *
 * @param tokenFingerprint {@link JoinToken#fingerprint()}: names the token in logs, unusable as one
 * @param revision the etcd revision of the issue
 */
public record JoinTokenIssue(String service, Instant expiresAt, String tokenFingerprint,
    long revision) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE = "service";
  private static final String EXPIRES_AT = "expiresAt";
  private static final String TOKEN_FINGERPRINT = "tokenFingerprint";

  public JoinTokenIssue {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(tokenFingerprint, "tokenFingerprint");
  }

  /** @throws IllegalArgumentException if the record is not of a join token's issue */
  public static JoinTokenIssue of(IdempotencyRecord record) {
    JsonNode node = RecordJson.object(record.outcome());
    return new JoinTokenIssue(RecordJson.text(node, SERVICE),
        RecordJson.instant(node, EXPIRES_AT), RecordJson.text(node, TOKEN_FINGERPRINT),
        record.revision());
  }

  /** The outcome JSON of an issue (the revision is the record's own). */
  static String outcomeJson(String service, Instant expiresAt, JoinToken token) {
    return JSON.createObjectNode()
        .put(SERVICE, service)
        .put(EXPIRES_AT, expiresAt.toString())
        .put(TOKEN_FINGERPRINT, token.fingerprint())
        .toString();
  }
}
