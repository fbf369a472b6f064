package io.paymesh.admin.errors;

import io.paymesh.admin.api.ErrorResponse;
import io.paymesh.config.store.PolicyStoreException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last resort for a failure nobody expected: the caller gets a 500 (503 when etcd is
 * unreachable) with an id, the log gets the same id with the exception. No stack trace or
 * exception text reaches the response, since it could carry request content.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

  @Override
  public Response toResponse(Throwable exception) {
    String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
    int status;
    String message;
    if (exception instanceof PolicyStoreException) {
      status = Response.Status.SERVICE_UNAVAILABLE.getStatusCode();
      message = "the policy store is unavailable, retry later (error " + id + ")";
      LOG.warn("error {}: policy store unavailable: {}", id, exception.getMessage());
    } else {
      status = Response.Status.INTERNAL_SERVER_ERROR.getStatusCode();
      message = "internal error " + id;
      LOG.error("error {}: unexpected failure", id, exception);
    }
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(ErrorResponse.of(status, message))
        .build();
  }
}
