package io.paymesh.admin.errors;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.paymesh.admin.api.ErrorResponse;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * A JSON request body (e.g. a rollback's {@code {"reason": ...}}) that does not parse: 400,
 * without Jackson's message, which quotes the body.
 */
public final class JsonProcessingExceptionMapper implements ExceptionMapper<JsonProcessingException> {

  public static final String MESSAGE = "the request body is not valid JSON for this endpoint";

  @Override
  public Response toResponse(JsonProcessingException exception) {
    return Response.status(Response.Status.BAD_REQUEST)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(ErrorResponse.of(400, MESSAGE))
        .build();
  }
}
