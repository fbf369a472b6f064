package io.paymesh.config.validation;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import java.util.List;

/**
 * Checks one policy document against the rules of its kind and returns every error, with paths
 * relative to {@code spec} ({@code name} for the document name). Stateless and thread-safe.
 * Cross-document rules (references between documents) are the Gate's, not this class's.
 */
public final class PolicyValidator {

  /** Returns all errors of {@code resource}; empty when it is valid. */
  public List<ValidationError> validate(PolicyResource resource) {
    ErrorCollector c = new ErrorCollector();
    Checks.dnsLabel(c.at("name"), resource.name());
    if (resource instanceof Service) {
      ServiceValidator.validate(c, (Service) resource);
    } else if (resource instanceof PaymentProcessor) {
      PaymentProcessorValidator.validate(c, (PaymentProcessor) resource);
    } else if (resource instanceof RouteTable) {
      RouteTableValidator.validate(c, (RouteTable) resource);
    } else if (resource instanceof AuthorizationPolicy) {
      AuthorizationPolicyValidator.validate(c, (AuthorizationPolicy) resource);
    } else if (resource instanceof PeerAuthentication) {
      PeerAuthenticationValidator.validate(c, (PeerAuthentication) resource);
    } else if (resource instanceof RequestAuthentication) {
      RequestAuthenticationValidator.validate(c, (RequestAuthentication) resource);
    } else if (resource instanceof RateLimitPolicy) {
      RateLimitPolicyValidator.validate(c, (RateLimitPolicy) resource);
    } else if (resource instanceof Gateway) {
      GatewayValidator.validate(c, (Gateway) resource);
    } else {
      throw new AssertionError(resource);
    }
    return c.errors();
  }

  /** Throws with every error unless {@code resource} is valid. */
  public void check(PolicyResource resource) throws PolicyValidationException {
    List<ValidationError> errors = validate(resource);
    if (!errors.isEmpty()) {
      throw new PolicyValidationException(errors);
    }
  }
}
