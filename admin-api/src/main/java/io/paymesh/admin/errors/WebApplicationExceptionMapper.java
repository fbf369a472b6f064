package io.paymesh.admin.errors;

import io.paymesh.admin.api.ErrorResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Jersey's own refusals (404 for an unknown path, 405, 406, 415, 403 from role checks) in the
 * API's JSON error shape. Only the status's reason phrase is returned: Jersey's messages can
 * echo request details.
 */
public final class WebApplicationExceptionMapper
    implements jakarta.ws.rs.ext.ExceptionMapper<WebApplicationException> {

  @Override
  public Response toResponse(WebApplicationException exception) {
    Response original = exception.getResponse();
    int status = original.getStatus();
    Response.StatusType type = original.getStatusInfo();
    Response.ResponseBuilder builder =
        Response.status(status)
            .type(MediaType.APPLICATION_JSON_TYPE)
            .entity(ErrorResponse.of(status, type.getReasonPhrase()));
    // Keep the headers that tell the client how to retry (Allow on 405, WWW-Authenticate on 401).
    original.getHeaders().forEach((name, values) -> {
      if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
        values.forEach(v -> builder.header(name, v));
      }
    });
    return builder.build();
  }
}
