package io.paymesh.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminConfigurationTest {

  private final YamlConfigurationFactory<AdminConfiguration> factory =
      new YamlConfigurationFactory<>(
          AdminConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  @Test
  void etcd_whenOnlyEndpointsAreGiven_defaultsPrefixAndRequestTimeout() throws Exception {
    AdminConfiguration config =
        factory.build(new ResourceConfigurationSourceProvider(), "config/etcd-endpoints-only.yaml");

    assertThat(config.getEtcd())
        .isEqualTo(
            new EtcdConfiguration(List.of("http://127.0.0.1:2379"), "/paymesh/", Duration.seconds(2)));
  }

  @Test
  void etcd_whenEndpointsAreEmpty_failsValidation() {
    assertThatThrownBy(
            () -> factory.build(new ResourceConfigurationSourceProvider(), "config/etcd-no-endpoints.yaml"))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessage(
            "config/etcd-no-endpoints.yaml has an error:" + System.lineSeparator()
                + "  * etcd.endpoints must not be empty" + System.lineSeparator());
  }
}
