package io.paymesh.config.model;

/**
 * A request query parameter condition, e.g. {@code {name: currency, exact: EUR}}: the same three
 * conditions as a {@link HeaderMatch}, on a parameter of the request's query string.
 */
public record QueryParameterMatch(String name, Condition condition) {

  public sealed interface Condition {}

  public record Exact(String value) implements Condition {}

  public record Prefix(String value) implements Condition {}

  public record Present() implements Condition {}
}
