package io.paymesh.config.model;

import java.util.Comparator;
import java.util.Objects;

/** Identifies one policy document: its kind and name. Printed as {@code RouteTable/payments}. */
public record ResourceKey(Kind kind, String name) implements Comparable<ResourceKey> {
  private static final Comparator<ResourceKey> ORDER =
      Comparator.comparing(ResourceKey::kind).thenComparing(ResourceKey::name);

  public ResourceKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ResourceKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return kind.wireName() + "/" + name;
  }
}
