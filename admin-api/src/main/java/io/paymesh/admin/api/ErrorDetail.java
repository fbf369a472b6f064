package io.paymesh.admin.api;

import io.paymesh.config.validation.ValidationError;

/** One problem with a request, e.g. {@code {"path":"routes[charge].timeout","message":"required"}}. */
public record ErrorDetail(String path, String message) {

  public static ErrorDetail of(ValidationError error) {
    return new ErrorDetail(error.path(), error.message());
  }
}
