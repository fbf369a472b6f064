package io.paymesh.admin.errors;

import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.admin.api.ErrorResponse;
import java.util.List;

/**
 * A request the API refuses, with the status and the details the caller gets. Resources and the
 * write pipeline throw it; {@link ApiExceptionMapper} turns it into the JSON error body.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final int UNPROCESSABLE = 422;
  public static final int PRECONDITION_REQUIRED = 428;

  private final int status;
  private final transient List<ErrorDetail> errors;

  public ApiException(int status, String message, List<ErrorDetail> errors) {
    // No cause and no stack: these are expected outcomes, not failures worth a trace.
    super(message, null, false, false);
    this.status = status;
    this.errors = List.copyOf(errors);
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message, List.of());
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, message, List.of());
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, message, List.of());
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, message, List.of());
  }

  public static ApiException preconditionFailed(String message) {
    return new ApiException(412, message, List.of());
  }

  public static ApiException preconditionRequired(String message) {
    return new ApiException(PRECONDITION_REQUIRED, message, List.of());
  }

  public static ApiException unprocessable(String message, List<ErrorDetail> errors) {
    return new ApiException(UNPROCESSABLE, message, errors);
  }

  public int status() {
    return status;
  }

  public List<ErrorDetail> errors() {
    return errors;
  }

  public ErrorResponse toResponse() {
    return new ErrorResponse(status, getMessage(), errors);
  }
}
