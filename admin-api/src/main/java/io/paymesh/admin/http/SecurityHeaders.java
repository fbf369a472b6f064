package io.paymesh.admin.http;

import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpFields;

/**
 * The headers on every answer of the API, errors and 401s included: {@code
 * X-Content-Type-Options: nosniff} (a browser must not guess a type other than the one declared)
 * and {@code Cache-Control: no-store} (answers carry policy, audit entries and, once, join tokens:
 * no cache or proxy may keep them).
 */
public final class SecurityHeaders {

  public static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
  public static final String NOSNIFF = "nosniff";
  public static final String CACHE_CONTROL = "Cache-Control";
  public static final String NO_STORE = "no-store";

  private SecurityHeaders() {}

  public static void apply(HttpServletResponse response) {
    response.setHeader(CONTENT_TYPE_OPTIONS, NOSNIFF);
    response.setHeader(CACHE_CONTROL, NO_STORE);
  }

  /** For answers Jetty writes itself, before any servlet runs (a request it cannot parse). */
  public static void apply(HttpFields.Mutable fields) {
    fields.put(CONTENT_TYPE_OPTIONS, NOSNIFF);
    fields.put(CACHE_CONTROL, NO_STORE);
  }
}
