package io.paymesh.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.configuration.ResourceConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import io.paymesh.admin.auth.Role;
import io.paymesh.admin.auth.TokenConfiguration;
import java.util.Set;
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

  @Test
  void etcd_whenTlsOrAuthIsWrong_settingsNameEveryProblemUnderEtcd() throws Exception {
    AdminConfiguration config = factory.build(new ResourceConfigurationSourceProvider(),
        "config/etcd-tls-auth-broken.yaml");

    assertThatThrownBy(() -> config.getEtcd().settings())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd.tls.ca: /nonexistent/paymesh-test/ca.pem: no such file; "
            + "etcd.tls.key: required with a client certificate: the certificate's private key; "
            + "etcd.auth.passwordEnv: environment variable PAYMESH_TEST_UNSET_ETCD_PASSWORD is not"
            + " set");
  }

  @Test
  void etcd_whenAPasswordIsInline_refusesTheKey_withoutRepeatingIt() throws Exception {
    // The factory the application uses: unknown keys are an error there.
    ConfigurationFactory<AdminConfiguration> strict =
        new DefaultConfigurationFactoryFactory<AdminConfiguration>().create(
            AdminConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    assertThatThrownBy(() -> strict.build(new ResourceConfigurationSourceProvider(),
        "config/etcd-inline-password.yaml"))
        .hasMessageContaining("password")
        .hasMessageNotContaining("inline-secret");
  }

  @Test
  void tokens_areReadWithTheirRoles() throws Exception {
    AdminConfiguration config =
        factory.build(new ResourceConfigurationSourceProvider(), "config/tokens.yaml");

    assertThat(config.getTokens()).containsExactly(
        new TokenConfiguration("alice",
            "2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90",
            Set.of(Role.OPERATOR, Role.VIEWER)),
        new TokenConfiguration("bob",
            "81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9",
            Set.of(Role.SECURITY_ADMIN)));
  }

  @Test
  void tokens_whenAbsent_areEmpty() throws Exception {
    assertThat(factory.build(new ResourceConfigurationSourceProvider(), "config/etcd-endpoints-only.yaml")
        .getTokens()).isEmpty();
  }

  @Test
  void tokens_whenHashIsMalformed_rolesEmpty_orNamesRepeat_failValidation() {
    assertThatThrownBy(
            () -> factory.build(new ResourceConfigurationSourceProvider(), "config/tokens-invalid.yaml"))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("tokens[0].roles must not be empty")
        .hasMessageContaining("tokens[0].sha256 must be 64 lower-case hex digits")
        .hasMessageContaining("tokens must have distinct names and distinct hashes")
        // The offending hash is not echoed.
        .hasMessageNotContaining("2BD806C97F");
  }

  @Test
  void tokens_whenRoleIsUnknown_failToParse() {
    assertThatThrownBy(
            () -> factory.build(new ResourceConfigurationSourceProvider(), "config/tokens-unknown-role.yaml"))
        .hasMessageContaining("unknown role 'root', expected one of viewer, operator, security-admin, admin");
  }
}
