package io.paymesh.admin.testing;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminApplication;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.config.testing.EtcdExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** The admin application under test, against the test's etcd, and the policy it starts from. */
public final class AdminApp {

  public static final String BASELINE = "policy/baseline.yaml";
  public static final String PREFIX = "/paymesh/";

  private AdminApp() {}

  /** Register after {@code etcd} (lower @Order): the endpoint is read once etcd has started. */
  /**
   * The app with four-eyes approval off, for tests of what every write goes through (roles,
   * validation, CRUD) that would otherwise have to approve each CDE change; FourEyesTest covers
   * the default.
   */
  public static DropwizardAppExtension<AdminConfiguration> extensionWithoutFourEyes(
      EtcdExtension etcd) {
    return new DropwizardAppExtension<>(
        AdminApplication.class,
        ResourceHelpers.resourceFilePath("admin-test.yaml"),
        ConfigOverride.config("etcd.endpoints[0]", etcd::endpoint),
        ConfigOverride.config("fourEyes.require", "none"));
  }

  public static DropwizardAppExtension<AdminConfiguration> extension(EtcdExtension etcd) {
    return new DropwizardAppExtension<>(
        AdminApplication.class,
        ResourceHelpers.resourceFilePath("admin-test.yaml"),
        ConfigOverride.config("etcd.endpoints[0]", etcd::endpoint));
  }

  /**
   * Empties etcd and writes the baseline policy through the API, as the admin. The baseline holds
   * the CDE service's AuthorizationPolicy, so it is proposed (four-eyes) and then approved by a
   * second security admin, as a production bootstrap would be.
   */
  public static void resetToBaseline(EtcdExtension etcd, Http http) throws Exception {
    etcd.deleteAll();
    Http.Reply reply = approveIfProposed(http, http.post("/v1/apply").token(TestTokens.ADMIN)
        .reason("test baseline").yaml(resource(BASELINE)).send());
    if (reply.status() != 200) {
      throw new AssertionError("baseline refused: " + reply);
    }
  }

  /**
   * The answer itself, or, if the write was proposed (202, four-eyes), the answer of its approval
   * by the second security admin ({@link TestTokens#SECURITY_2}).
   */
  public static Http.Reply approveIfProposed(Http http, Http.Reply reply) {
    if (reply.status() != 202) {
      return reply;
    }
    String proposal = URI.create(reply.header("Location").orElseThrow()).getPath();
    return http.post(proposal + "/approve").token(TestTokens.SECURITY_2)
        .reason("reviewed by the second security admin").send();
  }

  public static String resource(String name) {
    try (InputStream in = AdminApp.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
