package io.paymesh.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.ValidationMethod;
import io.paymesh.admin.policy.FourEyes;
import io.paymesh.config.proposal.Proposals;

/**
 * The {@code fourEyes:} block of the admin API's config file: which security-relevant changes are
 * proposed first and committed only on a second security admin's approval ({@code cde}, the
 * default: those that concern the cardholder data environment; {@code all}; {@code none}), and
 * how long a proposal can be approved.
 */
public record FourEyesConfiguration(
    @JsonProperty("require") FourEyes.Scope require,
    @JsonProperty("proposalLifetime") Duration proposalLifetime) {

  public static final Duration DEFAULT_LIFETIME = Duration.hours(24);

  public FourEyesConfiguration {
    require = require == null ? FourEyes.Scope.CDE : require;
    proposalLifetime = proposalLifetime == null ? DEFAULT_LIFETIME : proposalLifetime;
  }

  public static FourEyesConfiguration defaults() {
    return new FourEyesConfiguration(null, null);
  }

  @ValidationMethod(message = "fourEyes.proposalLifetime must be between 5 minutes and 7 days")
  public boolean isProposalLifetimeInRange() {
    java.time.Duration lifetime = lifetime();
    return lifetime.compareTo(Proposals.MIN_LIFETIME) >= 0
        && lifetime.compareTo(Proposals.MAX_LIFETIME) <= 0;
  }

  public java.time.Duration lifetime() {
    return java.time.Duration.ofMillis(proposalLifetime.toMilliseconds());
  }

  public FourEyes policy() {
    return new FourEyes(require, lifetime());
  }
}
