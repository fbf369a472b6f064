package io.paymesh.admin.http;

import ch.qos.logback.classic.LoggerContext;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.paymesh.admin.logging.CredentialLogGuard;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.LoggerFactory;

/**
 * The hardening of the admin API's HTTP surface, in one place: what runs in front of Jersey on
 * the application port (security headers, credentials in URLs, encoded slashes), Jetty's own
 * errors as JSON, the request log's redaction, the log guard, the admin port's defaults (loopback,
 * no tasks) and the Jersey filters for strict query parameters and reasons. See
 * docs/admin-api.md, "HTTP surface".
 */
public final class HttpSurface {

  /** Where an admin connector without {@code bindHost} listens. */
  public static final String ADMIN_DEFAULT_BIND_HOST = "127.0.0.1";

  private HttpSurface() {}

  /** Call from {@code Application.run}: before the server is built from the configuration. */
  public static void harden(ServerFactory serverFactory, Environment environment) {
    defaultAdminConnectorsToLoopback(serverFactory);
    if (serverFactory instanceof AbstractServerFactory server
        && !(server.getRequestLogFactory() instanceof RedactingRequestLogFactory)) {
      server.setRequestLogFactory(new RedactingRequestLogFactory(server.getRequestLogFactory()));
    }
    CredentialLogGuard.install((LoggerContext) LoggerFactory.getILoggerFactory());

    // In this order on every request of the application port, before Jersey.
    addFilter(environment, "security-headers", new SecurityHeadersFilter());
    addFilter(environment, "credential-query", new CredentialQueryFilter());
    addFilter(environment, "encoded-slash", new EncodedSlashFilter());
    environment.admin().addFilter("tasks-off", new AdminTasksOffFilter())
        .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), false,
            AdminTasksOffFilter.PATH);

    JsonErrorHandler errors = new JsonErrorHandler();
    environment.getApplicationContext().setErrorHandler(errors);
    environment.getAdminContext().setErrorHandler(errors);
    environment.lifecycle().addEventListener(new LifeCycle.Listener() {
      @Override
      public void lifeCycleStarting(LifeCycle event) {
        if (event instanceof Server server) {
          // Jetty answers requests it cannot parse (bad URI, headers too large) with the
          // server's error handler bean, before any context is chosen. Dropwizard added one of
          // its own: replace it, or Jetty keeps finding that one first.
          server.getBeans(ErrorHandler.class).forEach(server::removeBean);
          server.setErrorHandler(errors);
        }
      }
    });

    environment.jersey().register(new StrictQueryParameters());
    environment.jersey().register(new ReasonHeaderFilter());
  }

  /**
   * Dropwizard's admin connector listens on every interface unless {@code bindHost} is set; its
   * endpoints (health, metrics, thread dump) take no authentication, so here it defaults to
   * loopback. A deployment that wants it elsewhere sets {@code bindHost} explicitly.
   */
  static void defaultAdminConnectorsToLoopback(ServerFactory serverFactory) {
    if (serverFactory instanceof DefaultServerFactory server) {
      for (ConnectorFactory connector : server.getAdminConnectors()) {
        if (connector instanceof HttpConnectorFactory http && http.getBindHost() == null) {
          http.setBindHost(ADMIN_DEFAULT_BIND_HOST);
        }
      }
    }
  }

  private static void addFilter(Environment environment, String name, Filter filter) {
    environment.servlets().addFilter(name, filter)
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
  }
}
