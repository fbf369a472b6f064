package io.paymesh.admin.errors;

import io.paymesh.admin.api.ErrorResponse;
import io.paymesh.admin.api.StoreUnavailableResponse;
import io.paymesh.admin.resources.Headers;
import io.paymesh.config.store.CommitOutcomeUnknownException;
import io.paymesh.config.store.PolicyStoreException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last resort for a failure nobody expected: the caller gets a 500 (503 when etcd is
 * unreachable) with an id, the log gets the same id with the exception. No stack trace or
 * exception text reaches the response, since it could carry request content. A 503 says whether
 * the request changed nothing or may have been applied ({@link StoreUnavailableResponse}).
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable exception) {
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
    if (exception instanceof CommitOutcomeUnknownException) {
      LOG.warn("error {}: write sent to the policy store, outcome unknown: {}", id,
          exception.getMessage());
      return unavailable(StoreUnavailableResponse.UNKNOWN, "the policy store did not confirm the "
          + "write: it may or may not have been applied. Retry with the same "
          + Headers.IDEMPOTENCY_KEY + " to get its outcome (a key is applied at most once), or "
          + "look for it in GET /v1/audit and the document's ETag before retrying without one "
          + "(error " + id + ")");
    }
    if (exception instanceof PolicyStoreException) {
      LOG.warn("error {}: policy store unavailable: {}", id, exception.getMessage());
      return unavailable(StoreUnavailableResponse.UNCHANGED, "the policy store is unavailable "
          + "and nothing was changed; retry later (error " + id + ")");
    }
    int status = Response.Status.INTERNAL_SERVER_ERROR.getStatusCode();
    LOG.error("error {}: unexpected failure", id, exception);
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(ErrorResponse.of(status, "internal error " + id))
        .build();
  }

  private static Response unavailable(String outcome, String message) {
    int status = Response.Status.SERVICE_UNAVAILABLE.getStatusCode();
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new StoreUnavailableResponse(status, message, outcome, List.of()))
        .build();
  }
}
