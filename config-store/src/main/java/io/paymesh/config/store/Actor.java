package io.paymesh.config.store;

import java.util.Objects;
import java.util.Optional;

/**
 * Who makes a change and why; recorded in the audit entry of every change of a commit.
 *
 * @param name the authenticated principal, e.g. a token's name; {@code system} for tools
 * @param reason the operator's explanation, or null
 */
public record Actor(String name, String reason) {
  /** The actor of writes that carry no operator identity (loader, tests, the legacy put API). */
  public static final Actor SYSTEM = new Actor("system", null);

  public Actor {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("actor name must not be blank");
    }
  }

  public Optional<String> reasonOpt() {
    return Optional.ofNullable(reason);
  }
}
