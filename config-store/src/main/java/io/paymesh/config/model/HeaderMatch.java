package io.paymesh.config.model;

/** A request header condition, e.g. {@code {name: x-merchant-id, exact: m-42}}. */
public record HeaderMatch(String name, Condition condition) {

  public sealed interface Condition {}

  public record Exact(String value) implements Condition {}

  public record Prefix(String value) implements Condition {}

  public record Present() implements Condition {}
}
