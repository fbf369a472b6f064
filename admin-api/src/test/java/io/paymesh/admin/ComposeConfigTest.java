package io.paymesh.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.paymesh.admin.auth.Role;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.commons.text.StringSubstitutor;
import org.junit.jupiter.api.Test;

/**
 * The admin-api config of the docker-compose mesh takes its token hashes from the environment:
 * the admin's, and the approver's (a second security admin, for the four-eyes approval of the
 * bootstrap): valid with both, refused (admin-api does not start) without either.
 */
class ComposeConfigTest {
  private static final String CONFIG = "../docker/admin-api.compose.yaml";
  private static final String HASH = "a".repeat(64);
  private static final String APPROVER_HASH = "b".repeat(64);

  private final YamlConfigurationFactory<AdminConfiguration> factory =
      new YamlConfigurationFactory<>(
          AdminConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  private static SubstitutingSourceProvider withEnvironment(Map<String, String> env) {
    // Same syntax and defaults as the EnvironmentVariableSubstitutor the application installs.
    StringSubstitutor substitutor = new StringSubstitutor(env);
    substitutor.setEnableSubstitutionInVariables(false);
    substitutor.setValueDelimiter(":-");
    return new SubstitutingSourceProvider(new FileConfigurationSourceProvider(), substitutor);
  }

  @Test
  void composeConfig_withAnAdminAndAnApproverTokenHash_isValid() throws Exception {
    AdminConfiguration config = factory.build(withEnvironment(Map.of(
        "PAYMESH_ADMIN_TOKEN_SHA256", HASH, "PAYMESH_APPROVER_TOKEN_SHA256", APPROVER_HASH)),
        Path.of(CONFIG).toString());

    assertThat(config.getEtcd().endpoints()).containsExactly("http://etcd:2379");
    assertThat(config.getTokens()).hasSize(2);
    assertThat(config.getTokens().get(0).sha256()).isEqualTo(HASH);
    assertThat(config.getTokens().get(0).roles()).isEqualTo(Set.of(Role.ADMIN));
    assertThat(config.getTokens().get(1).sha256()).isEqualTo(APPROVER_HASH);
    assertThat(config.getTokens().get(1).roles()).isEqualTo(Set.of(Role.SECURITY_ADMIN));
  }

  @Test
  void composeConfig_withoutTheApproverTokenHash_isRefused() {
    assertThatThrownBy(() -> factory.build(
        withEnvironment(Map.of("PAYMESH_ADMIN_TOKEN_SHA256", HASH)), Path.of(CONFIG).toString()))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("tokens[1].sha256 must be 64 lower-case hex digits");
  }

  @Test
  void composeConfig_withoutAnAdminTokenHash_isRefused() {
    assertThatThrownBy(() -> factory.build(withEnvironment(Map.of()), Path.of(CONFIG).toString()))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("tokens[0].sha256 must be 64 lower-case hex digits");
  }
}
