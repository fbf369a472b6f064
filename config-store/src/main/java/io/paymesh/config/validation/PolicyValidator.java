package io.paymesh.config.validation;

import io.paymesh.config.model.PolicyResource;
import java.util.List;

/** Stub: the public API of the policy validator; implementation follows. */
public final class PolicyValidator {

  public List<ValidationError> validate(PolicyResource resource) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
