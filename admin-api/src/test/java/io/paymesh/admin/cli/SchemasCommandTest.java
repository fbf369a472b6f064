package io.paymesh.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.schema.PolicySchemas;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code paymeshctl schemas}: one kind's schema to stdout, or every kind's saved for editors. */
class SchemasCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PolicySchemas SCHEMAS = PolicySchemas.load();

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Ctl CTL = new Ctl(() -> APP.getLocalPort());

  @TempDir
  Path dir;

  @Test
  void schemas_ofOneKind_printsItsSchema() throws Exception {
    Ctl.Run run = CTL.as(TestTokens.VIEWER, "schemas", "RouteTable");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(JSON.readTree(run.out())).isEqualTo(SCHEMAS.schema(Kind.ROUTE_TABLE));
  }

  @Test
  void schemas_withADir_savesEveryKindAsAFile() throws Exception {
    Path target = dir.resolve("schemas");

    Ctl.Run run = CTL.as(TestTokens.VIEWER, "schemas", "--dir", target.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    for (Kind kind : Kind.values()) {
      Path file = target.resolve(kind.pathSegment() + SchemasCommand.SUFFIX);
      assertThat(run.out()).contains(file.toString());
      assertThat(JSON.readTree(Files.readString(file))).isEqualTo(SCHEMAS.schema(kind));
    }
    Path any = target.resolve("any" + SchemasCommand.SUFFIX);
    assertThat(JSON.readTree(Files.readString(any))).isEqualTo(SCHEMAS.anyKind());
  }

  @Test
  void schemas_any_printsTheSchemaOfAnyKind() throws Exception {
    Ctl.Run run = CTL.as(TestTokens.VIEWER, "schemas", "any");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(JSON.readTree(run.out())).isEqualTo(SCHEMAS.anyKind());
  }

  @Test
  void schemas_withoutKindOrDir_isAUsageError_andAnUnknownKindToo() {
    Ctl.Run neither = CTL.as(TestTokens.VIEWER, "schemas");
    Ctl.Run unknown = CTL.as(TestTokens.VIEWER, "schemas", "virtualservices");

    assertThat(neither.exitCode()).as(neither.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(neither.err()).contains("--dir");
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("unknown kind virtualservices");
  }

  @Test
  void schemas_withoutAToken_failsAndSaysWhy() {
    Ctl.Run run = CTL.as(null, "schemas", "services");

    assertThat(run.exitCode()).as(run.toString()).isNotZero();
    assertThat(run.out()).isEmpty();
  }
}
