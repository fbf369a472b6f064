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
import java.nio.charset.StandardCharsets;

/** The admin application under test, against the test's etcd, and the policy it starts from. */
public final class AdminApp {

  public static final String BASELINE = "policy/baseline.yaml";
  public static final String PREFIX = "/paymesh/";

  private AdminApp() {}

  /** Register after {@code etcd} (lower @Order): the endpoint is read once etcd has started. */
  public static DropwizardAppExtension<AdminConfiguration> extension(EtcdExtension etcd) {
    return new DropwizardAppExtension<>(
        AdminApplication.class,
        ResourceHelpers.resourceFilePath("admin-test.yaml"),
        ConfigOverride.config("etcd.endpoints[0]", etcd::endpoint));
  }

  /** Empties etcd and writes the baseline policy through the API, as the admin. */
  public static void resetToBaseline(EtcdExtension etcd, Http http) throws Exception {
    etcd.deleteAll();
    Http.Reply reply = http.post("/v1/apply").token(TestTokens.ADMIN).reason("test baseline")
        .yaml(resource(BASELINE)).send();
    if (reply.status() != 200) {
      throw new AssertionError("baseline refused: " + reply);
    }
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
