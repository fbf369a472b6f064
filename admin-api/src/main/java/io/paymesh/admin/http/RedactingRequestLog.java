package io.paymesh.admin.http;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.component.ContainerLifeCycle;

/**
 * Wraps the server's request log so that it never records a credential sent in a query string:
 * the values of {@link CredentialParameters} are replaced by {@value CredentialParameters#REDACTED}
 * in the request's URI before the log reads it. The request is complete when it is logged, so
 * the rewrite changes nothing the application sees.
 */
public final class RedactingRequestLog extends ContainerLifeCycle implements RequestLog {

  private final RequestLog delegate;

  /** Takes over the delegate's lifecycle (a request log with appenders must be started). */
  public RedactingRequestLog(RequestLog delegate) {
    this.delegate = delegate;
    addBean(delegate);
  }

  @Override
  public void log(Request request, Response response) {
    HttpURI uri = request.getHttpURI();
    if (uri != null && CredentialParameters.anyIn(uri.getQuery())) {
      request.setHttpURI(HttpURI.build(uri).query(CredentialParameters.redact(uri.getQuery())));
    }
    delegate.log(request, response);
  }
}
