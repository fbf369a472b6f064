package io.paymesh.admin.cli;

/**
 * A failure paymeshctl reports as one message (no stack trace) and an exit code from
 * {@link ExitCodes}. Messages name documents and paths, never a token.
 */
final class CtlException extends RuntimeException {

  private final int exitCode;

  CtlException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }
}
