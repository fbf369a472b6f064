package io.paymesh.admin.metrics;

import com.codahale.metrics.MetricRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Serves {@code /prometheus} on the admin port: the application's metrics, rendered per scrape. */
public final class PrometheusServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  public static final String PATH = "/prometheus";

  private final transient MetricRegistry registry;

  public PrometheusServlet(MetricRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] body = PrometheusTextFormat.render(registry).getBytes(StandardCharsets.UTF_8);
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(PrometheusTextFormat.CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
