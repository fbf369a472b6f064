package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.schema.PolicySchemas;
import io.paymesh.config.testing.EtcdExtension;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/schemas[/{kind}]}: the index names every kind, each schema is served as
 * {@code application/schema+json} to any role, and only with a token.
 */
class SchemaResourceTest {
  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final PolicySchemas SCHEMAS = PolicySchemas.load();

  @Test
  void index_listsEveryKindWithTheUrlOfItsSchema() {
    Http.Reply reply = HTTP.get("/v1/schemas").token(TestTokens.VIEWER).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    List<String> urls = new ArrayList<>();
    for (JsonNode entry : reply.json().path("schemas")) {
      Kind kind = Kind.fromWireName(entry.path("kind").asText()).orElseThrow();
      assertThat(entry.path("path").asText()).isEqualTo(kind.pathSegment());
      urls.add(entry.path("url").asText());
    }
    assertThat(urls).hasSize(Kind.values().length).allSatisfy(url -> {
      Http.Reply schema = HTTP.get(url).token(TestTokens.VIEWER).send();
      assertThat(schema.status()).as(url).isEqualTo(200);
    });
  }

  @Test
  void schema_ofEachKind_isServedAsSchemaJson() {
    for (Kind kind : Kind.values()) {
      Http.Reply reply = HTTP.get("/v1/schemas/" + kind.pathSegment())
          .token(TestTokens.OPERATOR).send();

      assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
      assertThat(reply.header("Content-Type")).hasValue("application/schema+json");
      assertThat(reply.json()).isEqualTo(SCHEMAS.schema(kind));
      assertThat(reply.json().at("/properties/kind/const").asText()).isEqualTo(kind.wireName());
    }
  }

  @Test
  void anyKind_isServedAsSchemaJson_andListedInTheIndex() {
    Http.Reply index = HTTP.get("/v1/schemas").token(TestTokens.VIEWER).send();
    Http.Reply reply = HTTP.get(index.json().path("anyKind").asText())
        .token(TestTokens.VIEWER).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).hasValue("application/schema+json");
    assertThat(reply.json()).isEqualTo(SCHEMAS.anyKind());
  }

  @Test
  void schema_ofAnUnknownKind_isNotFoundAndNamesTheKinds() {
    Http.Reply reply = HTTP.get("/v1/schemas/virtualservices").token(TestTokens.VIEWER).send();

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.body()).contains("routetables");
  }

  @Test
  void schemas_withoutAToken_areUnauthorized() {
    assertThat(HTTP.get("/v1/schemas").send().status()).isEqualTo(401);
    assertThat(HTTP.get("/v1/schemas/services").send().status()).isEqualTo(401);
  }
}
