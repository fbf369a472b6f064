package io.paymesh.admin.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The admin connector's bind host: loopback unless the configuration names one. */
class AdminConnectorDefaultsTest {

  @Test
  void adminConnectorWithoutBindHost_getsLoopback_andAnExplicitOneIsKept() {
    DefaultServerFactory server = new DefaultServerFactory();
    HttpConnectorFactory unset = (HttpConnectorFactory) HttpConnectorFactory.admin();
    HttpConnectorFactory explicit = (HttpConnectorFactory) HttpConnectorFactory.admin();
    explicit.setBindHost("0.0.0.0");
    server.setAdminConnectors(List.of(unset, explicit));
    HttpConnectorFactory application =
        (HttpConnectorFactory) HttpConnectorFactory.application();
    server.setApplicationConnectors(List.of(application));

    HttpSurface.defaultAdminConnectorsToLoopback(server);

    assertThat(unset.getBindHost()).isEqualTo("127.0.0.1");
    assertThat(explicit.getBindHost()).isEqualTo("0.0.0.0");
    assertThat(application.getBindHost()).isNull();
  }

  @Test
  void dropwizardsOwnDefault_wouldBeEveryInterface() {
    // What this class changes: without it, the default admin connector binds to all interfaces.
    assertThat(new DefaultServerFactory().getAdminConnectors())
        .allSatisfy(c -> assertThat(((HttpConnectorFactory) c).getBindHost()).isNull());
  }
}
