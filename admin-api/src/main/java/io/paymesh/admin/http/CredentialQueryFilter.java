package io.paymesh.admin.http;

import io.paymesh.admin.AdminApplication;
import io.paymesh.admin.auth.JsonUnauthorizedHandler;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Refuses, with 401, any request whose query string carries a credential-like parameter
 * ({@link CredentialParameters}), whatever the method and path, before anything reads the body
 * or etcd. Credentials are taken from the {@code Authorization} header only; a token sent in a
 * URL is treated as no token, and the caller is told where it belongs.
 */
public final class CredentialQueryFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    Optional<String> credential = CredentialParameters.firstIn(request.getQueryString());
    if (credential.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    response.setHeader("WWW-Authenticate",
        AdminApplication.AUTH_SCHEME + " realm=\"" + AdminApplication.REALM + "\"");
    JsonErrors.write(response, HttpServletResponse.SC_UNAUTHORIZED,
        JsonUnauthorizedHandler.MESSAGE + " in the Authorization header; credentials in the URL "
            + "are refused (query parameter " + credential.get() + ")");
  }
}
