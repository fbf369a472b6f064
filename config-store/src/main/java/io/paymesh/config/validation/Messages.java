package io.paymesh.config.validation;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The validation messages, in one place so that the codec, the validators, the tests and
 * docs/policy-reference.md agree on the exact wording.
 */
public final class Messages {
  public static final String REQUIRED = "required";
  public static final String NOT_EMPTY = "must not be empty";
  public static final String POSITIVE = "must be > 0";
  public static final String AT_LEAST_ONE = "must be >= 1";
  public static final String NOT_NEGATIVE = "must be >= 0";
  public static final String DUPLICATE_NAME = "duplicate name";
  public static final String DNS_LABEL =
      "must be a lowercase DNS label (a-z, 0-9, '-'), at most 63 characters";
  public static final String DNS_NAME =
      "must be a lowercase DNS name (labels of a-z, 0-9, '-' separated by '.'), "
          + "at most 253 characters";
  public static final String HOST_OR_IP = "must be a lowercase DNS name or an IP address";
  public static final String PORT_RANGE = between(1, 65535);
  public static final String SPIFFE_ID = "must be a SPIFFE ID like spiffe://<trust-domain>/<path>";
  public static final String HEADER_NAME =
      "must be a lowercase HTTP header name (a-z, 0-9 and !#$%&'*+-.^_`|~)";
  public static final String STARTS_WITH_SLASH = "must start with '/'";
  public static final String URL_TOKEN =
      "must be letters, digits, '-', '.', '_' or '~' (never percent-encoded in a URL)";
  public static final String WILDCARD_CALLER =
      "must name a service; wildcard callers are not allowed";

  // Structural messages of the codec.
  public static final String UNKNOWN_FIELD = "unknown field";
  public static final String STRING = "must be a string";
  public static final String INTEGER = "must be an integer";
  public static final String BOOLEAN = "must be a boolean";
  public static final String OBJECT = "must be an object";
  public static final String LIST = "must be a list";
  public static final String DURATION = "must be a duration like 250ms, 2s or 1m";
  public static final String MUST_BE_TRUE = "must be true";

  private Messages() {}

  public static String between(int min, int max) {
    return "must be between " + min + " and " + max;
  }

  public static String oneOf(Collection<?> values) {
    return values.stream()
        .map(String::valueOf)
        .collect(Collectors.joining(", ", "must be one of [", "]"));
  }

  public static <E extends Enum<E>> String oneOf(Class<E> type) {
    return oneOf(Arrays.asList(type.getEnumConstants()));
  }

  public static String exactlyOneOf(String... fields) {
    return "must have exactly one of [" + String.join(", ", fields) + "]";
  }
}
