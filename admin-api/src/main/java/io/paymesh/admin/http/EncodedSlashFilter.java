package io.paymesh.admin.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;

/**
 * Refuses a path with an encoded slash ({@code %2F}, any case) or backslash ({@code %5C}) with
 * 400. No name of the API may contain one, and such a path is ambiguous: Jetty lets it through,
 * but the servlet API then cannot say which part is the name (it answered 500 before this).
 */
public final class EncodedSlashFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  public static final String MESSAGE = "a path segment must not contain an encoded '/' or '\\' "
      + "(%2F, %5C): names of the API never contain them";

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    String rawPath = request.getRequestURI().toUpperCase(Locale.ROOT);
    if (rawPath.contains("%2F") || rawPath.contains("%5C")) {
      JsonErrors.write(response, HttpServletResponse.SC_BAD_REQUEST, MESSAGE);
      return;
    }
    chain.doFilter(request, response);
  }
}
