package io.paymesh.xds.agent;

/**
 * A certificate could not be obtained or stored: every CA replica failed or refused, the answer
 * was unusable, or the files could not be written. The message says why for each replica; it
 * never holds a key or a join token.
 */
public class IssuanceException extends Exception {
  public IssuanceException(String message) {
    super(message);
  }

  public IssuanceException(String message, Throwable cause) {
    super(message, cause);
  }
}
