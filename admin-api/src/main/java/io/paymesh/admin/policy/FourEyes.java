package io.paymesh.admin.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Which security-relevant changes need a second security admin's approval before they are
 * committed, and how long a proposal waits for it.
 */
public record FourEyes(Scope require, Duration proposalLifetime) {

  /** Which security-relevant changes are proposed first. */
  public enum Scope {
    /** Those that concern a CDE service or a PaymentProcessor (the default). */
    CDE("cde"),
    /** Every security-relevant change. */
    ALL("all"),
    /** None: a security admin commits directly (the change still needs a reason). */
    NONE("none");

    private final String wireName;

    Scope(String wireName) {
      this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
      return wireName;
    }

    @JsonCreator
    public static Scope fromWireName(String name) {
      return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(
              "unknown fourEyes.require '" + name + "', expected one of cde, all, none"));
    }
  }

  /** True if a write with these security-relevant parts must be proposed, not committed. */
  public boolean requiresApproval(List<SecurityChange> changes) {
    return switch (require) {
      case CDE -> changes.stream().anyMatch(SecurityChange::concernsCde);
      case ALL -> !changes.isEmpty();
      case NONE -> false;
    };
  }
}
