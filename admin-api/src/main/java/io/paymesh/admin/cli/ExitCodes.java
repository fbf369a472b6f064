package io.paymesh.admin.cli;

/**
 * The exit codes of paymeshctl, one per thing a script may want to react to differently
 * (docs/paymeshctl.md lists them). Derived from the HTTP status where the API answered.
 */
public final class ExitCodes {

  /** Done, or nothing to do (a no-op apply). */
  public static final int OK = 0;
  /** Anything else: an unexpected answer, a document that does not exist, a declined prompt. */
  public static final int ERROR = 1;
  /** Wrong invocation: unknown option or command, missing token, unreadable file. */
  public static final int USAGE = 2;
  /** The documents or the change were refused: invalid (locally or 422), 401, 403. */
  public static final int REFUSED = 3;
  /** Someone changed the document meanwhile (412), or the API reports a conflict (409, 428). */
  public static final int CONFLICT = 4;
  /** The admin API (or its etcd: 503) cannot be reached. */
  public static final int UNREACHABLE = 5;

  private ExitCodes() {}

  /** The exit code for an HTTP error status. */
  static int forStatus(int status) {
    return switch (status) {
      case 401, 403, 422 -> REFUSED;
      case 409, 412, 428 -> CONFLICT;
      case 503 -> UNREACHABLE;
      default -> ERROR;
    };
  }
}
