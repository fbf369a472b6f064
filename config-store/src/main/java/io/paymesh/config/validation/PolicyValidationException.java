package io.paymesh.config.validation;

import java.util.List;
import java.util.stream.Collectors;

/** A document was rejected; carries every error found, not only the first. */
public final class PolicyValidationException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ValidationError> errors;

  public PolicyValidationException(List<ValidationError> errors) {
    super(errors.stream().map(ValidationError::toString).collect(Collectors.joining("; ")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one error");
    }
    this.errors = List.copyOf(errors);
  }

  public List<ValidationError> errors() {
    return errors;
  }
}
