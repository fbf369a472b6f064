package io.paymesh.xds.gate;

import java.util.Objects;

/**
 * One reason a group's resources may not be pushed.
 *
 * @param resource the offending resource, e.g.
 *     {@code RouteConfiguration/outbound route charge-card}
 * @param invariant {@code references} or the number of the payment invariant (DESIGN.md section 4)
 */
public record GateViolation(String resource, String invariant, String message) {
  public GateViolation {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(invariant, "invariant");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return resource + " [" + invariant + "]: " + message;
  }
}
