package io.paymesh.admin.api;

import java.util.List;

/**
 * The body of every error answer: {@code {"code":422,"message":"...","errors":[...]}}. Built only
 * from messages the API writes itself, never from an exception's stack or a request header.
 */
public record ErrorResponse(int code, String message, List<ErrorDetail> errors) {

  public ErrorResponse {
    errors = List.copyOf(errors);
  }

  public static ErrorResponse of(int code, String message) {
    return new ErrorResponse(code, message, List.of());
  }
}
