package io.paymesh.admin.resources;

import io.paymesh.admin.errors.ApiException;
import io.paymesh.config.model.Kind;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The {kind} URL segment: {@link Kind#pathSegment()}, e.g. {@code routetables}. */
final class Kinds {

  private static final String KNOWN =
      Arrays.stream(Kind.values()).map(Kind::pathSegment).collect(Collectors.joining(", "));

  private Kinds() {}

  static Kind fromPath(String segment) {
    return Kind.fromPathSegment(segment)
        .orElseThrow(() -> ApiException.notFound("unknown kind '" + segment + "', expected one of " + KNOWN));
  }
}
