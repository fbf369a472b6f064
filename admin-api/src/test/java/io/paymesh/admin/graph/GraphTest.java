package io.paymesh.admin.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.resources.GraphResource;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /v1/graph} of the shipped example policy, written through the API as an operator
 * would: Graphviz's SVG holds every service, processor and route host, and every declared call,
 * with the CDE drawn as its own box and the edge gateway's public clients outside it.
 */
class GraphTest {
  private static final Path EXAMPLE =
      Path.of("..", "envoy-configs", "examples", "payments-policy.yaml");
  private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>");

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @BeforeAll
  static void writeTheExample() throws Exception {
    ETCD.deleteAll();
    Http.Reply reply = AdminApp.approveIfProposed(HTTP, HTTP.post("/v1/apply")
        .token(TestTokens.ADMIN).reason("the example mesh").yaml(Files.readString(EXAMPLE))
        .send());
    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
  }

  @Test
  void svg_ofTheExample_hasItsNodesEdgesAndTheCdeBoundary() {
    Http.Reply reply = HTTP.get("/v1/graph").token(TestTokens.VIEWER).send();

    assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).hasValue("image/svg+xml");
    assertThat(reply.header("Content-Security-Policy")).hasValueSatisfying(
        csp -> assertThat(csp).startsWith("default-src 'none'"));
    TreeSet<String> titles = new TreeSet<>();
    Matcher m = TITLE.matcher(reply.body());
    while (m.find()) {
      titles.add(m.group(1).replace("&#45;", "-").replace("&gt;", ">"));
    }
    // Graphviz titles each cluster, node and edge of the picture with its DOT id.
    assertThat(titles).contains(
        "cluster_public", "cluster_cde", "cluster_connected", "cluster_external",
        "cluster_routing",
        "public/public-api", "service/edge",
        "service/checkout", "service/payments-v1", "service/payments-v2", "service/ledger",
        "processor/stripe", "processor/adyen", "host/payments",
        "public/public-api->service/edge",
        "service/edge->service/payments-v1",
        "service/edge->service/payments-v2",
        "service/checkout->host/payments",
        "service/checkout->service/payments-v1",
        "service/checkout->service/payments-v2",
        "host/payments->service/payments-v1",
        "host/payments->service/payments-v2",
        "service/payments-v1->service/ledger",
        "service/payments-v2->service/ledger",
        "service/payments-v1->processor/stripe",
        "service/payments-v1->processor/adyen",
        "service/payments-v2->processor/stripe",
        "service/payments-v2->processor/adyen");
    assertThat(titles.stream().filter(t -> t.contains("->"))).hasSize(14);
    assertThat(reply.body()).contains("Cardholder data environment (PCI DSS scope)")
        .contains("mTLS, allowed by ledger&#45;callers/payments&#45;postings");
  }

  @Test
  void dotAndMermaid_areTheSamePictureAsText() {
    Http.Reply dot = HTTP.get("/v1/graph?format=dot").token(TestTokens.VIEWER).send();
    Http.Reply mermaid = HTTP.get("/v1/graph?format=mermaid").token(TestTokens.VIEWER).send();

    assertThat(dot.status()).isEqualTo(200);
    assertThat(dot.header("Content-Type")).hasValue("text/vnd.graphviz;charset=utf-8");
    assertThat(dot.body()).startsWith("digraph paymesh {")
        .contains("\"service/payments-v1\" -> \"service/ledger\"");
    assertThat(mermaid.status()).isEqualTo(200);
    assertThat(mermaid.body()).contains("flowchart LR")
        .contains("service_payments_v1 -->|\"mTLS, allowed by ledger-callers/payments-postings\"|"
            + " service_ledger");
  }

  @Test
  void anUnknownFormat_isRefused_andNoTokenGetsNothing() {
    Http.Reply png = HTTP.get("/v1/graph?format=png").token(TestTokens.VIEWER).send();
    assertThat(png.status()).isEqualTo(400);
    assertThat(png.json().path("message").asText())
        .isEqualTo("format must be one of svg, dot, mermaid");
    assertThat(HTTP.get("/v1/graph").send().status()).isEqualTo(401);
  }

  @Test
  void withoutGraphviz_svgIsA503ThatSaysWhatToDo_andTextFormatsStillWork() {
    GraphResource resource = new GraphResource(
        new PolicyRepository(ETCD.client(), AdminApp.PREFIX, new PolicyCodec()),
        new GraphvizSvg("/nonexistent/dot", Duration.ofSeconds(5)));

    assertThatThrownBy(() -> resource.graph(null, "svg"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.getMessage()).contains("install the graphviz package",
              "format=dot or format=mermaid");
        });
    assertThat(resource.graph(null, "mermaid").getStatus()).isEqualTo(200);
  }
}
