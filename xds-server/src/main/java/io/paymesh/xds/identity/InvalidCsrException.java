package io.paymesh.xds.identity;

/**
 * A certificate signing request the CA will not sign. The message is meant for the workload
 * (field {@code csr_der} first) and describes the request without quoting it.
 */
public final class InvalidCsrException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidCsrException(String message) {
    // Expected outcome of bad input, not a failure worth a stack trace.
    super(message, null, false, false);
  }
}
