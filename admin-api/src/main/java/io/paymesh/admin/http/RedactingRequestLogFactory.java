package io.paymesh.admin.http;

import io.dropwizard.request.logging.RequestLogFactory;
import org.eclipse.jetty.server.RequestLog;

/**
 * The configured request log factory ({@code server.requestLog}), with every log it builds
 * wrapped in a {@link RedactingRequestLog}. Set in place of the configured one before the server
 * is built; not a configuration type of its own.
 */
final class RedactingRequestLogFactory implements RequestLogFactory<RequestLog> {

  private final RequestLogFactory<?> configured;

  RedactingRequestLogFactory(RequestLogFactory<?> configured) {
    this.configured = configured;
  }

  @Override
  public boolean isEnabled() {
    return configured.isEnabled();
  }

  @Override
  public RequestLog build(String name) {
    return new RedactingRequestLog(configured.build(name));
  }
}
