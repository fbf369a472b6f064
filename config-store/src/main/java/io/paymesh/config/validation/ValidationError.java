package io.paymesh.config.validation;

import java.util.Objects;

/**
 * One problem with a document. {@code path} is relative to {@code spec} for spec fields, with list
 * elements named where they have a name: {@code routes[charge-card].retry.perTryTimeout}.
 */
public record ValidationError(String path, String message) {
  public ValidationError {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
