package io.paymesh.admin.api;

import java.util.List;

/**
 * The body of a 503: the error shape plus whether the request changed anything.
 * {@code outcome} is {@link #UNCHANGED} when etcd failed before the write's transaction was sent
 * (or refused it), and {@link #UNKNOWN} when the transaction was sent but not answered: it may
 * have been applied, and the message says how to find out.
 */
public record StoreUnavailableResponse(int code, String message, String outcome,
    List<ErrorDetail> errors) {
  public static final String UNCHANGED = "UNCHANGED";
  public static final String UNKNOWN = "UNKNOWN";

  public StoreUnavailableResponse {
    errors = List.copyOf(errors);
  }
}
