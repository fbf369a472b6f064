package io.paymesh.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.testing.EtcdExtension;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * paymeshctl apply as one guarded bundle through POST /v1/apply, against the real admin API
 * (four-eyes on, as shipped) and a real etcd: every change in one transaction, a concurrent
 * change refuses the whole bundle, a bundle the Gate refuses writes nothing, the example policy
 * bootstraps an empty cluster through the API with a second security admin's approval, and a set
 * larger than one transaction goes in dependency-ordered bundles.
 */
class PaymeshCtlApplyBundleTest {

  private static final PolicyCodec CODEC = new PolicyCodec();
  private static final Path EXAMPLES = Path.of("..", "envoy-configs", "examples");
  private static final Pattern PROPOSAL = Pattern.compile(": proposal (\\S+) waits for a second security admin");

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private static final Ctl CTL = new Ctl(() -> APP.getLocalPort());

  @TempDir
  Path dir;

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void apply_writesEveryChangedDocument_inOneTransaction() throws Exception {
    Path file = write("bundle.yaml", KindSamples.SERVICE.first() + "---\n"
        + KindSamples.ROUTE_TABLE.first() + "---\n" + PolicyDocs.paymentsRouteTo("payments-v2"));

    Ctl.Run run = CTL.as(TestTokens.OPERATOR, "apply", "-f", file.toString(), "--yes",
        "--reason", "CHG-7 reports and charges to v2");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("created Service/reports at revision ",
        "created RouteTable/fraud at revision ", "updated RouteTable/payments at revision ");
    // One commit: the three documents share its revision.
    Set<Long> revisions = new HashSet<>();
    for (String path : List.of("/v1/services/reports", "/v1/routetables/fraud",
        "/v1/routetables/payments")) {
      Http.Reply reply = HTTP.get(path).token(TestTokens.VIEWER).send();
      assertThat(reply.status()).as(path).isEqualTo(200);
      revisions.add(reply.etagRevision());
    }
    assertThat(revisions).hasSize(1);
    JsonNode entry = lastAuditEntry("routetables", "payments");
    assertThat(entry.path("actor").asText()).isEqualTo(TestTokens.OPERATOR_NAME);
    assertThat(entry.path("reason").asText()).isEqualTo("CHG-7 reports and charges to v2");
  }

  @Test
  void apply_whenADocumentMovedAfterThePlan_refusesTheWholeBundle_namingIt_exit4()
      throws Exception {
    Path file = write("bundle.yaml", KindSamples.SERVICE.first() + "---\n"
        + PolicyDocs.paymentsRouteTo("payments-v2"));
    // Another operator changes the route table while this one reads the plan.
    InputStream answerAfterAConcurrentChange = new InputStream() {
      private InputStream answer;

      @Override
      public int read() throws java.io.IOException {
        if (answer == null) {
          Http.Reply current = HTTP.get("/v1/routetables/payments").token(TestTokens.VIEWER).send();
          Http.Reply other = HTTP.put("/v1/routetables/payments").token(TestTokens.ADMIN)
              .ifMatch(current.etag()).reason("CHG-8 meanwhile")
              .yaml(PolicyDocs.paymentsRoutes("payments-v1", "payments-v2")).send();
          assertThat(other.status()).as(other.toString()).isEqualTo(200);
          answer = new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8));
        }
        return answer.read();
      }
    };

    Ctl.Run run = CTL.run(TestTokens.OPERATOR, answerAfterAConcurrentChange, "apply", "-f",
        file.toString(), "--reason", "CHG-7");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(run.err()).contains("writing " + file + "#1 (Service/reports), " + file
        + "#2 (RouteTable/payments): 412").contains("RouteTable/payments is at revision");
    // All or nothing: the Service of the same bundle was not created either.
    assertThat(HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send().status())
        .isEqualTo(404);
  }

  @Test
  void apply_ofABundleTheGateRefuses_writesNothing_exit3() throws Exception {
    // reports is valid on its own; checkout does not list fraud in its dependencies, so the
    // route to it breaks checkout's groups, which pass the Gate today (invariant 6).
    Path file = write("bundle.yaml", KindSamples.SERVICE.first() + "---\n"
        + PolicyDocs.paymentsRouteTo("fraud"));
    long revision = ETCD.currentRevision();

    Ctl.Run run = CTL.as(TestTokens.OPERATOR, "apply", "-f", file.toString(), "--yes");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("the admin API would refuse applying", "nothing was written",
        "gate: group checkout");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void bootstrap_ofTheExamplePolicy_onAnEmptyCluster_isProposed_andApprovedByASecondAdmin()
      throws Exception {
    ETCD.deleteAll();
    long examples = documentsIn(EXAMPLES);

    // Every kind in one bundle: the admin role writes them all (a security admin may not write
    // Services or RouteTables); the CDE parts make it a proposal.
    Ctl.Run proposed = CTL.as(TestTokens.ADMIN, "apply", "-f", EXAMPLES.toString(), "--yes",
        "--reason", "bootstrap of the example policy");

    assertThat(proposed.exitCode()).as(proposed.toString()).isZero();
    assertThat(proposed.out()).contains("Four-eyes");
    Matcher id = PROPOSAL.matcher(proposed.out());
    assertThat(id.find()).as(proposed.out()).isTrue();
    // Nothing is written before the second security admin approves.
    assertThat(HTTP.get("/v1/services").token(TestTokens.VIEWER).send().json().path("items"))
        .isEmpty();

    Ctl.Run approved = CTL.as(TestTokens.SECURITY_2, "approve", id.group(1), "--yes", "--reason",
        "bootstrap reviewed");

    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    long stored = 0;
    for (Kind kind : Kind.values()) {
      stored += HTTP.get("/v1/" + kind.pathSegment()).token(TestTokens.VIEWER).send().json()
          .path("items").size();
    }
    assertThat(stored).isEqualTo(examples);
    JsonNode entry = lastAuditEntry("authorizationpolicies", "payments-v1-callers");
    assertThat(entry.path("actor").asText()).isEqualTo(TestTokens.ADMIN_NAME);
    assertThat(entry.path("approvedBy").asText()).isEqualTo(TestTokens.SECURITY_2_NAME);
    assertThat(entry.path("reason").asText()).isEqualTo("bootstrap of the example policy");
    // Applied again, the example is a no-op.
    Ctl.Run again = CTL.as(TestTokens.ADMIN, "apply", "-f", EXAMPLES.toString(), "--yes");
    assertThat(again.out()).as(again.toString()).contains("No changes: nothing to apply.");
  }

  @Test
  void apply_ofMoreChangesThanOneTransactionHolds_writesDependencyOrderedBundles()
      throws Exception {
    int services = ApplyCommand.MAX_PER_BUNDLE + 5;
    StringBuilder yaml = new StringBuilder();
    // File order puts the route table first: it must be written after its service.
    yaml.append("""
        kind: RouteTable
        name: bulk
        spec:
          host: bulk-0
          routes:
            - name: all
              match: {path: {prefix: /}}
              destination: {target: bulk-0}
              operation: READ
              timeout: 2s
        """);
    for (int i = 0; i < services; i++) {
      yaml.append("---\n").append(bulkService(i));
    }
    Path file = write("bulk.yaml", yaml.toString());

    Ctl.Run run = CTL.as(TestTokens.ADMIN, "apply", "-f", file.toString(), "--yes",
        "--reason", "CHG-9 bulk");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains((services + 1) + " changes are more than one bundle holds ("
        + ApplyCommand.MAX_PER_BUNDLE + "): they are written as 2 bundles",
        "Bundle 1 of 2 (40 document(s))", "Bundle 2 of 2 (6 document(s))");
    long lastService = 0;
    Set<Long> commits = new HashSet<>();
    for (int i = 0; i < services; i++) {
      Http.Reply reply = HTTP.get("/v1/services/bulk-" + i).token(TestTokens.VIEWER).send();
      assertThat(reply.status()).as("bulk-" + i).isEqualTo(200);
      lastService = Math.max(lastService, reply.etagRevision());
      commits.add(reply.etagRevision());
    }
    long routes = HTTP.get("/v1/routetables/bulk").token(TestTokens.VIEWER).send().etagRevision();
    assertThat(commits).hasSize(2);
    assertThat(routes).isEqualTo(lastService);
    assertThat(HTTP.get("/v1/services/bulk-0").token(TestTokens.VIEWER).send().etagRevision())
        .isLessThan(routes);
  }

  @Test
  void apply_ofSeveralBundles_whoseFirstIsProposed_sendsNoLaterBundle_untilApproved()
      throws Exception {
    // A new payment processor is a CDE destination: four-eyes makes the first bundle a proposal.
    StringBuilder yaml = new StringBuilder(KindSamples.PAYMENT_PROCESSOR.first());
    for (int i = 0; i < ApplyCommand.MAX_PER_BUNDLE; i++) {
      yaml.append("---\n").append(bulkService(i));
    }
    Path file = write("bulk.yaml", yaml.toString());

    Ctl.Run proposed = CTL.as(TestTokens.ADMIN, "apply", "-f", file.toString(), "--yes",
        "--reason", "CHG-10 adyen and bulk");

    assertThat(proposed.exitCode()).as(proposed.toString()).isEqualTo(ExitCodes.ERROR);
    Matcher id = PROPOSAL.matcher(proposed.out());
    assertThat(id.find()).as(proposed.toString()).isTrue();
    assertThat(proposed.err()).contains("bundle 1 of 2 was proposed (" + id.group(1) + ")",
        "bundles 2-2 were not sent", "apply the same files again");
    assertThat(HTTP.get("/v1/services/bulk-39").token(TestTokens.VIEWER).send().status())
        .isEqualTo(404);

    Ctl.Run approved = CTL.as(TestTokens.SECURITY_2, "approve", id.group(1), "--yes", "--reason",
        "CHG-10 reviewed");
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    Ctl.Run rest = CTL.as(TestTokens.ADMIN, "apply", "-f", file.toString(), "--yes",
        "--reason", "CHG-10 adyen and bulk");

    assertThat(rest.exitCode()).as(rest.toString()).isZero();
    assertThat(rest.out()).contains("= " + file + "#1 (PaymentProcessor/adyen)  UNCHANGED",
        "created Service/bulk-39 at revision ");
  }

  private static String bulkService(int i) {
    return """
        kind: Service
        name: bulk-%d
        spec:
          ports: [{name: http, port: 8080, targetPort: 8081, protocol: HTTP}]
          identity: spiffe://paymesh.local/ns/bulk/sa/bulk-%d
          pciScope: NONE
          dependencies: []
        """.formatted(i, i);
  }

  private static long documentsIn(Path directory) throws Exception {
    long count = 0;
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        List<PolicyResource> documents = CODEC.decodeAll(Files.readString(file));
        count += documents.size();
      }
    }
    return count;
  }

  private Path write(String name, String content) throws Exception {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, content);
  }

  private static JsonNode lastAuditEntry(String kind, String name) {
    JsonNode entries = HTTP.get("/v1/audit?kind=" + kind + "&name=" + name)
        .token(TestTokens.VIEWER).send().json().path("entries");
    return entries.get(entries.size() - 1);
  }
}
