package io.paymesh.config.model;

/**
 * The API version a route serves, e.g. {@code {value: v2, in: PATH_PREFIX}}: requests whose path
 * starts with {@code /v2/}, or {@code {value: v2, in: HEADER}}: requests carrying the header
 * {@code api-version: v2}.
 */
public record ApiVersionMatch(String value, In in) {
  /** The request header a version is read from when {@code in} is HEADER. */
  public static final String HEADER = "api-version";

  /** Where the request carries its version. */
  public enum In {
    PATH_PREFIX,
    HEADER
  }

  /** The path prefix of this version, {@code /v2/}: with the slash, so v2 never matches v20. */
  public String pathPrefix() {
    return "/" + value + "/";
  }
}
