package io.paymesh.config.codec;

import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.validation.PolicyValidationException;
import java.util.List;

/** Stub: the public API of the policy codec; implementation follows. */
public final class PolicyCodec {

  public PolicyResource decode(String text) throws PolicyValidationException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  public List<PolicyResource> decodeAll(String text) throws PolicyValidationException {
    throw new UnsupportedOperationException("not yet implemented");
  }

  public String toJson(PolicyResource resource) {
    throw new UnsupportedOperationException("not yet implemented");
  }

  public String toYaml(PolicyResource resource) {
    throw new UnsupportedOperationException("not yet implemented");
  }
}
