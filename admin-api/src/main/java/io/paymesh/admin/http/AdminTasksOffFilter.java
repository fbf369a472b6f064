package io.paymesh.admin.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Turns Dropwizard's admin tasks off ({@code /tasks/*} on the admin port: {@code log-level},
 * {@code gc}): they take no authentication, and {@code log-level} could raise Jetty to DEBUG,
 * which logs callers' headers. Dropwizard registers them unconditionally, so the path answers
 * 404 here before its servlet runs. Log levels are changed in the config file and a restart.
 */
public final class AdminTasksOffFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  public static final String PATH = "/tasks/*";
  public static final String MESSAGE = "admin tasks are turned off in paymesh";

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    JsonErrors.write(response, HttpServletResponse.SC_NOT_FOUND, MESSAGE);
  }
}
