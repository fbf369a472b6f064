package io.paymesh.admin.auth;

import io.dropwizard.auth.UnauthorizedHandler;
import io.paymesh.admin.api.ErrorResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The 401 answer for a missing or unknown token, in the API's JSON error shape. It says nothing
 * about why the token was refused, so a caller cannot probe which tokens exist.
 */
public final class JsonUnauthorizedHandler implements UnauthorizedHandler {

  public static final String MESSAGE = "a valid bearer token is required";

  @Override
  public Response buildResponse(String prefix, String realm) {
    return Response.status(Response.Status.UNAUTHORIZED)
        .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(ErrorResponse.of(Response.Status.UNAUTHORIZED.getStatusCode(), MESSAGE))
        .build();
  }
}
