package io.paymesh.config.model;

/** A request path condition: {@code {exact: "/a"}} or {@code {prefix: "/a/"}}. */
public sealed interface PathMatch {

  record Exact(String path) implements PathMatch {}

  record Prefix(String prefix) implements PathMatch {}
}
