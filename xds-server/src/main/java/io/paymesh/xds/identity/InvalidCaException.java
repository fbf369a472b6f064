package io.paymesh.xds.identity;

/**
 * The CA files cannot be used; the message names the file and what is wrong with it, and never
 * quotes key material.
 */
public final class InvalidCaException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidCaException(String message) {
    super(message);
  }
}
