package io.paymesh.admin.idempotency;

import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.resources.Headers;
import io.paymesh.admin.resources.PolicyBodyReader;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.idempotency.IdempotencyRecord;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.store.CommitSummary;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs an admin write under the caller's {@code Idempotency-Key}, if the request has one. A key
 * already used by this caller within retention answers with the stored outcome, rendered as the
 * original answer was, plus {@code Idempotent-Replayed: true}; used for a different request it is
 * refused (422). Otherwise the write commits with the key's record in its own transaction: of two
 * requests racing with one key, on one replica or two, one commits and the other replays it.
 * Refusals (4xx) store nothing, so a retry is evaluated again.
 */
public final class IdempotentWrites {

  private final IdempotencyRecords records;

  public IdempotentWrites(IdempotencyRecords records) {
    this.records = records;
  }

  /**
   * A policy commit under the request's key.
   *
   * @param write commits the change, recording the claim it is given (if any)
   * @param render the answer to a commit; called with the commit's summary, or with the stored
   *     one on a replay, so both answers are the same
   */
  public Response commit(AdminPrincipal caller, ContainerRequestContext request,
      Function<Optional<IdempotencyClaim>, CommitSummary> write,
      Function<CommitSummary, Response> render) {
    return write(caller, request, write, render, record -> render.apply(CommitSummary.of(record)));
  }

  /**
   * Any write under the request's key.
   *
   * @param write performs the write, recording the claim it is given (if any) with its outcome
   * @param render the answer to the write
   * @param replay the answer to a retry, from the record the write stored
   */
  public <T> Response write(AdminPrincipal caller, ContainerRequestContext request,
      Function<Optional<IdempotencyClaim>, T> write, Function<T, Response> render,
      Function<IdempotencyRecord, Response> replay) {
    Optional<IdempotencyClaim> claim = claim(caller, request);
    if (claim.isEmpty()) {
      return render.apply(write.apply(Optional.empty()));
    }
    Optional<IdempotencyRecord> earlier = find(claim.get());
    if (earlier.isPresent()) {
      return replay(earlier.get(), claim.get(), replay);
    }
    T written;
    try {
      written = write.apply(claim);
    } catch (IdempotencyKeyUsedException e) {
      return replay(e.record(), claim.get(), replay);
    } catch (ApiException refused) {
      // A request racing with this one under the same key may have committed after our look-up;
      // its change is then why this one was refused (e.g. a stale If-Match), and its outcome is
      // the answer.
      Optional<IdempotencyRecord> winner = find(claim.get());
      if (winner.isPresent()) {
        return replay(winner.get(), claim.get(), replay);
      }
      throw refused;
    }
    return render.apply(written);
  }

  private Optional<IdempotencyClaim> claim(AdminPrincipal caller, ContainerRequestContext request) {
    String key = request.getHeaderString(Headers.IDEMPOTENCY_KEY);
    if (key == null) {
      return Optional.empty();
    }
    try {
      IdempotencyClaim.requireValidKey(key);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "invalid " + Headers.IDEMPOTENCY_KEY + " header", List.of(
          new ErrorDetail(Headers.IDEMPOTENCY_KEY, "must be 1 to "
              + IdempotencyClaim.MAX_KEY_LENGTH + " characters of A-Z a-z 0-9 - _ . :")));
    }
    Object fingerprint = request.getProperty(RequestFingerprintFilter.PROPERTY);
    if (!(fingerprint instanceof String digest)) {
      // Only a body over the filter's limit goes unfingerprinted.
      throw new ApiException(413, "a request with an " + Headers.IDEMPOTENCY_KEY
          + " must have a body of at most " + PolicyBodyReader.MAX_BODY_BYTES + " bytes", List.of());
    }
    return Optional.of(new IdempotencyClaim(caller.getName(), key, digest,
        request.getMethod() + " " + request.getUriInfo().getRequestUri().getRawPath()));
  }

  private Optional<IdempotencyRecord> find(IdempotencyClaim claim) {
    return records.find(claim.caller(), claim.key());
  }

  private static Response replay(IdempotencyRecord record, IdempotencyClaim claim,
      Function<IdempotencyRecord, Response> replay) {
    if (!record.sameRequestAs(claim)) {
      String first = record.claim().request() + " at revision " + record.revision();
      throw ApiException.unprocessable(Headers.IDEMPOTENCY_KEY + " was already used for a "
          + "different request (" + first + "); a new request needs a new key",
          List.of(new ErrorDetail(Headers.IDEMPOTENCY_KEY,
              "already used for a different request: " + first)));
    }
    return Response.fromResponse(replay.apply(record))
        .header(Headers.IDEMPOTENT_REPLAYED, "true")
        .build();
  }
}
