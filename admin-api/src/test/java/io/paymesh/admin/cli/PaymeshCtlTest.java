package io.paymesh.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.ByteSequence;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.status.NackRecord;
import io.paymesh.xds.status.ProxyStatusCodec;
import io.paymesh.xds.status.ProxyStatusRecord;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * paymeshctl driven in-process (its picocli command line, captured stdout and stderr, a given
 * stdin) against the real admin API and a real etcd: plans and confirmations, refusals with the
 * document and path, conflicts, round trips that write nothing, reads, history, rollback,
 * proxies, four-eyes approval, and how it takes (and refuses) a token.
 */
class PaymeshCtlTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PolicyCodec CODEC = new PolicyCodec();
  private static final String ROUTES = "/v1/routetables/payments";

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
  void everyCommand_answersHelp_withoutServerOrToken() throws Exception {
    CommandLine line = new CommandLine(new PaymeshCtl(null));
    for (String command : line.getSubcommands().keySet()) {
      Ctl.Run help = Ctl.runWith(Map.of(), InputStream.nullInputStream(), command, "--help");
      assertThat(help.exitCode()).as(command + ": " + help).isZero();
      assertThat(help.out()).as(command).startsWith("Usage: paymeshctl " + command);
      assertThat(help.err()).as(command).isEmpty();
    }
    Ctl.Run root = Ctl.runWith(Map.of(), InputStream.nullInputStream(), "--help");
    assertThat(root.exitCode()).isZero();
    assertThat(root.out()).contains("apply", "get", "diff", "delete", "history", "rollback",
        "proxies", "proposals", "approve", "graph", "schemas",
        "Exit codes: 0 ok, 1 error, 2 usage");
    assertThat(line.getSubcommands()).hasSize(11);
  }

  @Test
  void aTokenOnTheCommandLine_isRefused_andNeverEchoed() throws Exception {
    for (String[] args : List.of(new String[] {"--token", "s3cr3t-value", "get", "services"},
        new String[] {"get", "services", "--token=s3cr3t-value"},
        new String[] {"get", "services", "-t", "s3cr3t-value"})) {
      Ctl.Run run = CTL.as(null, args);
      assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("--token-file FILE", "PAYMESH_TOKEN");
      assertThat(run.out() + run.err()).doesNotContain("s3cr3t-value");
    }
  }

  @Test
  void withoutAToken_saysWhereToPutIt() throws Exception {
    Ctl.Run run = CTL.as(null, "get", "services");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).isEqualTo("paymeshctl: no API token: set the environment variable"
        + " PAYMESH_TOKEN or pass --token-file FILE\n");
  }

  @Test
  void aTokenFile_isRead_andAWrongTokenIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), TestTokens.VIEWER + "\n");
    Ctl.Run ok = Ctl.runWith(Map.of(PaymeshCtl.SERVER_ENV, CTL.server()),
        InputStream.nullInputStream(), "get", "services", "--token-file", file.toString());
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.out()).contains("checkout", "ledger");

    Ctl.Run wrong = CTL.as("not-a-token", "get", "services");
    assertThat(wrong.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(wrong.err()).contains("listing services: 401");
  }

  @Test
  void apply_showsThePlan_andWritesOnlyWhenConfirmed() throws Exception {
    Path file = write("payments.yaml", PolicyDocs.paymentsRouteTo("payments-v2"));
    long revision = ETCD.currentRevision();

    Ctl.Run declined = CTL.run(TestTokens.OPERATOR, "n\n", "apply", "-f", file.toString());

    assertThat(declined.exitCode()).as(declined.toString()).isEqualTo(ExitCodes.ERROR);
    assertThat(declined.out()).contains("~ " + file + " (RouteTable/payments)  UPDATE")
        .contains("-      target: payments-v1").contains("+      target: payments-v2")
        .contains("checkout (ENVOY)").contains("RouteConfiguration");
    assertThat(declined.err()).contains("Apply 1 change(s) to ").contains("Not applied.");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);

    // Documents on stdin leave no stdin for the answer: --yes is required, nothing is written.
    Ctl.Run fromStdin = CTL.run(TestTokens.OPERATOR, PolicyDocs.paymentsRouteTo("payments-v2"),
        "apply", "-f", "-");
    assertThat(fromStdin.exitCode()).as(fromStdin.toString()).isEqualTo(ExitCodes.USAGE);
    assertThat(fromStdin.err()).contains("pass --yes to apply");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);

    Ctl.Run confirmed = CTL.run(TestTokens.OPERATOR, "y\n", "apply", "-f", file.toString(),
        "--reason", "CHG-1 charges to v2");

    assertThat(confirmed.exitCode()).as(confirmed.toString()).isZero();
    assertThat(confirmed.out()).containsPattern("updated RouteTable/payments at revision \\d+");
    assertThat(chargeTarget()).isEqualTo("payments-v2");
    JsonNode last = lastAuditEntry("routetables", "payments");
    assertThat(last.path("actor").asText()).isEqualTo(TestTokens.OPERATOR_NAME);
    assertThat(last.path("reason").asText()).isEqualTo("CHG-1 charges to v2");
  }

  @Test
  void apply_withYes_createsADirectoryInDependencyOrder_withoutAsking() throws Exception {
    Path policy = Files.createDirectories(dir.resolve("policy"));
    // Named so that a plain file order would create the route table before its service.
    write("policy/a-routes.yaml", KindSamples.ROUTE_TABLE.first());
    write("policy/b-service.yml", KindSamples.SERVICE.first());

    Ctl.Run run = CTL.as(TestTokens.OPERATOR, "apply", "-f", policy.toString(), "--yes");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).contains("+ " + policy.resolve("a-routes.yaml") + " (RouteTable/fraud)  CREATE");
    int service = run.out().indexOf("created Service/reports");
    int routes = run.out().indexOf("created RouteTable/fraud");
    assertThat(service).isPositive().isLessThan(routes);
    assertThat(HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send().status()).isEqualTo(200);
  }

  @Test
  void apply_ofAnInvalidDocument_namesTheFileTheDocumentAndThePath_andSendsNothing()
      throws Exception {
    Path file = write("bundle.yaml", KindSamples.SERVICE.first() + "---\n"
        + PolicyDocs.paymentsRouteTo("payments-v2").replace("timeout: 3s", "timeout: 0s"));
    long revision = ETCD.currentRevision();

    Ctl.Run run = CTL.as(TestTokens.OPERATOR, "apply", "-f", file.toString(), "--yes");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("invalid documents, nothing was sent")
        .contains(file + "#2: routes[charge].timeout: must be > 0");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void apply_thatTheApiRefuses_namesTheDocumentAndTheApisPath_exit3() throws Exception {
    // checkout does not declare fraud as a dependency: the Gate refuses the route (invariant 6).
    Path file = write("payments.yaml", PolicyDocs.paymentsRouteTo("fraud"));
    long revision = ETCD.currentRevision();

    Ctl.Run run = CTL.as(TestTokens.OPERATOR, "apply", "-f", file.toString(), "--yes");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.REFUSED);
    assertThat(run.err()).contains("the admin API would refuse applying " + file
        + " (RouteTable/payments), nothing was written").contains("gate: group checkout");
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void apply_neverOverwritesAChangeMadeAfterThePlan_exit4() throws Exception {
    Path file = write("payments.yaml", PolicyDocs.paymentsRouteTo("payments-v2"));
    // Another operator changes the document while this one reads the plan.
    InputStream answerAfterAConcurrentChange = new InputStream() {
      private InputStream answer;

      @Override
      public int read() throws java.io.IOException {
        if (answer == null) {
          Http.Reply current = HTTP.get(ROUTES).token(TestTokens.VIEWER).send();
          Http.Reply other = HTTP.put(ROUTES).token(TestTokens.ADMIN).ifMatch(current.etag())
              .yaml(PolicyDocs.paymentsRoutes("payments-v1", "payments-v2")).send();
          assertThat(other.status()).as(other.toString()).isEqualTo(200);
          answer = new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8));
        }
        return answer.read();
      }
    };

    Ctl.Run run = CTL.run(TestTokens.OPERATOR, answerAfterAConcurrentChange, "apply", "-f",
        file.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.CONFLICT);
    assertThat(run.err()).contains("writing " + file + " (RouteTable/payments): 412")
        .contains("(If-Match)");
    assertThat(chargeTarget()).isEqualTo("payments-v1");
  }

  @Test
  void getYamlOrJson_appliedBack_isANoOp_forOneDocumentAndForAKind() throws Exception {
    long revision = ETCD.currentRevision();
    for (String[] get : List.of(new String[] {"get", "routetables", "payments", "-o", "yaml"},
        new String[] {"get", "routetables", "payments", "-o", "json"},
        new String[] {"get", "services", "-o", "yaml"},
        new String[] {"get", "authorizationpolicies", "-o", "yaml"})) {
      Ctl.Run read = CTL.as(TestTokens.VIEWER, get);
      assertThat(read.exitCode()).as(read.toString()).isZero();

      Ctl.Run apply = CTL.run(TestTokens.OPERATOR, read.out(), "apply", "-f", "-");

      assertThat(apply.exitCode()).as(apply.toString()).isZero();
      assertThat(apply.out()).contains("No changes: nothing to apply.").doesNotContain("UPDATE");
    }
    assertThat(ETCD.currentRevision()).as("nothing written").isEqualTo(revision);
  }

  @Test
  void get_printsATable_json_orYaml() throws Exception {
    String etag = HTTP.get(ROUTES).token(TestTokens.VIEWER).send().etag().replace("\"", "");

    Ctl.Run table = CTL.as(TestTokens.VIEWER, "get", "routetables");
    assertThat(table.out().lines().toList()).containsExactly(
        "NAME       REVISION   STATUS", "payments   " + etag + "  " + " ".repeat(9 - etag.length()) + "ok");

    Ctl.Run json = CTL.as(TestTokens.VIEWER, "get", "RouteTable", "payments", "-o", "json");
    assertThat(JSON.readTree(json.out())).isEqualTo(JSON.readTree(
        CODEC.toJson(CODEC.decode(PolicyDocs.paymentsRouteTo("payments-v1")))));

    Ctl.Run yaml = CTL.as(TestTokens.VIEWER, "get", "routetable", "payments", "-o", "yaml");
    assertThat(yaml.out()).isEqualTo(CODEC.toYaml(CODEC.decode(PolicyDocs.paymentsRouteTo("payments-v1"))));

    Ctl.Run missing = CTL.as(TestTokens.VIEWER, "get", "routetables", "nothing");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(missing.err()).contains("reading RouteTable/nothing: 404 RouteTable/nothing does not exist");

    Ctl.Run unknownKind = CTL.as(TestTokens.VIEWER, "get", "virtualservices");
    assertThat(unknownKind.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknownKind.err())
        .contains("unknown kind virtualservices; expected one of services,", "gateways");
  }

  @Test
  void diff_showsOnlyDocumentsThatDiffer_andWritesNothing() throws Exception {
    Path changed = write("payments.yaml", PolicyDocs.paymentsRouteTo("payments-v2"));
    Path same = write("same.yaml", PolicyDocs.paymentsRouteTo("payments-v1"));
    long revision = ETCD.currentRevision();

    Ctl.Run diff = CTL.as(TestTokens.VIEWER, "diff", "-f", changed.toString());
    Ctl.Run none = CTL.as(TestTokens.VIEWER, "diff", "-f", same.toString());

    assertThat(diff.exitCode()).isZero();
    assertThat(diff.out()).startsWith("--- server RouteTable/payments (revision ")
        .contains("+++ " + changed + " (RouteTable/payments)")
        .contains("-      target: payments-v1").contains("+      target: payments-v2");
    assertThat(none.exitCode()).isZero();
    assertThat(none.out()).isEmpty();
    assertThat(ETCD.currentRevision()).isEqualTo(revision);
  }

  @Test
  void delete_showsThePlan_asks_andDeletesWithTheETag() throws Exception {
    assertThat(CTL.as(TestTokens.OPERATOR, "apply", "-f", "-", "--yes").exitCode())
        .isEqualTo(ExitCodes.USAGE); // no documents on an empty stdin
    assertThat(CTL.run(TestTokens.OPERATOR, KindSamples.SERVICE.first(), "apply", "-f", "-",
        "--yes").exitCode()).isZero();

    Ctl.Run declined = CTL.run(TestTokens.OPERATOR, "no\n", "delete", "services", "reports");
    assertThat(declined.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(declined.out()).contains("- Service/reports  DELETE");
    assertThat(HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send().status()).isEqualTo(200);

    Ctl.Run deleted = CTL.as(TestTokens.OPERATOR, "delete", "services", "reports", "--yes");
    assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
    assertThat(deleted.out()).containsPattern("deleted Service/reports at revision \\d+");
    assertThat(HTTP.get("/v1/services/reports").token(TestTokens.VIEWER).send().status()).isEqualTo(404);

    Ctl.Run again = CTL.as(TestTokens.OPERATOR, "delete", "services", "reports", "--yes");
    assertThat(again.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(again.err()).contains("Service/reports does not exist");
  }

  @Test
  void history_andRollback_restoreAnEarlierVersion() throws Exception {
    long baseline = HTTP.get(ROUTES).token(TestTokens.VIEWER).send().etagRevision();
    Path file = write("payments.yaml", PolicyDocs.paymentsRouteTo("payments-v2"));
    assertThat(CTL.as(TestTokens.OPERATOR, "apply", "-f", file.toString(), "--yes",
        "--reason", "CHG-2 try v2").exitCode()).isZero();

    Ctl.Run history = CTL.as(TestTokens.VIEWER, "history", "routetables", "payments");
    assertThat(history.exitCode()).isZero();
    List<String> lines = history.out().lines().toList();
    assertThat(lines.get(0)).startsWith("REVISION").contains("ACTOR", "OPERATION", "REASON");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith(Long.toString(baseline)).contains("CREATE", "test baseline");
    assertThat(lines.get(2)).contains(TestTokens.OPERATOR_NAME, "UPDATE", "RouteTable/payments",
        "CHG-2 try v2");

    Ctl.Run rollback = CTL.as(TestTokens.OPERATOR, "rollback", "routetables", "payments",
        "--to", Long.toString(baseline), "--reason", "v2 errors", "--yes");

    assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
    assertThat(rollback.out()).contains("+      target: payments-v1")
        .containsPattern("rolled RouteTable/payments back to revision " + baseline
            + ", now at revision \\d+");
    assertThat(chargeTarget()).isEqualTo("payments-v1");
    assertThat(lastAuditEntry("routetables", "payments").path("operation").asText())
        .isEqualTo("ROLLBACK");

    Ctl.Run noEntry = CTL.as(TestTokens.OPERATOR, "rollback", "routetables", "payments",
        "--to", "1", "--yes");
    assertThat(noEntry.exitCode()).isEqualTo(ExitCodes.ERROR);
    assertThat(noEntry.err()).contains("no audit entry for RouteTable/payments at revision 1");
  }

  @Test
  void proxies_showsAckNackAndWhetherEachProxyIsInSync() throws Exception {
    Instant at = Instant.parse("2026-11-23T03:00:00Z");
    publish(new ProxyStatusRecord("checkout~10.0.0.7", "checkout", "ENVOY", "replica-a",
        Map.of(Resources.V3.CLUSTER_TYPE_URL, "c1"),
        Optional.of(new NackRecord(Resources.V3.ROUTE_TYPE_URL, "r9", "route: unknown cluster", at)),
        1, at, at.plusSeconds(5)));

    Ctl.Run table = CTL.as(TestTokens.VIEWER, "proxies");
    Ctl.Run json = CTL.as(TestTokens.VIEWER, "proxies", "-o", "json");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.out().lines().toList()).hasSize(2);
    assertThat(table.out().lines().toList().get(0))
        .startsWith("NODE").contains("IN-SYNC", "STATE", "NACKS", "LAST NACK");
    assertThat(table.out().lines().toList().get(1)).startsWith("checkout~10.0.0.7")
        .contains("replica-a", " no ", "NACK", "RouteConfiguration r9: route: unknown cluster");
    assertThat(JSON.readTree(json.out()).get(0).path("inSync").isBoolean()).isTrue();
    assertThat(JSON.readTree(json.out()).get(0).path("inSync").asBoolean()).isFalse();
  }

  @Test
  void graph_drawsTheMeshAsMermaidDotOrSvg_toStdoutOrAFile() throws Exception {
    Ctl.Run mermaid = CTL.as(TestTokens.VIEWER, "graph", "-o", "mermaid");
    Path svg = dir.resolve("mesh.svg");
    Ctl.Run toFile = CTL.as(TestTokens.VIEWER, "graph", "--file", svg.toString());
    Ctl.Run unknown = CTL.as(TestTokens.VIEWER, "graph", "-o", "png");

    assertThat(mermaid.exitCode()).as(mermaid.toString()).isZero();
    assertThat(mermaid.out()).contains("flowchart LR", "subgraph zone_cde");
    assertThat(toFile.exitCode()).as(toFile.toString()).isZero();
    assertThat(toFile.out()).isEmpty();
    assertThat(Files.readString(svg)).contains("<svg", "<title>cluster_cde</title>");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err()).contains("svg", "dot", "mermaid");
  }

  @Test
  void approve_needsASecondSecurityAdmin() throws Exception {
    Path file = write("ledger-callers.yaml", PolicyDocs.ledgerCallers("[payments-v1]"));
    Ctl.Run proposed = CTL.as(TestTokens.SECURITY, "apply", "-f", file.toString(), "--yes",
        "--reason", "CHG-42 payments-v2 retired");
    assertThat(proposed.exitCode()).as(proposed.toString()).isZero();
    assertThat(proposed.out()).contains("Four-eyes").contains("proposed AuthorizationPolicy/ledger-callers");
    String id = HTTP.get("/v1/proposals").token(TestTokens.VIEWER).send().json()
        .path("items").get(0).path("id").asText();
    assertThat(CTL.as(TestTokens.VIEWER, "proposals").out()).contains(id, TestTokens.SECURITY_NAME,
        "PUT AuthorizationPolicy/ledger-callers");

    Ctl.Run byProposer = CTL.as(TestTokens.SECURITY, "approve", id, "--reason", "mine", "--yes");
    assertThat(byProposer.exitCode()).isEqualTo(ExitCodes.REFUSED);
    assertThat(byProposer.err()).contains("approving proposal " + id + ": 403");

    Ctl.Run approved = CTL.as(TestTokens.SECURITY_2, "approve", id, "--reason", "CHG-42 reviewed",
        "--yes");
    assertThat(approved.exitCode()).as(approved.toString()).isZero();
    assertThat(approved.out()).containsPattern("approved " + id + ": committed at revision \\d+");
    JsonNode entry = lastAuditEntry("authorizationpolicies", "ledger-callers");
    assertThat(entry.path("approvedBy").asText()).isEqualTo(TestTokens.SECURITY_2_NAME);
  }

  @Test
  void anUnreachableServer_isExit5() throws Exception {
    Ctl.Run run = Ctl.runWith(Map.of(PaymeshCtl.SERVER_ENV, "http://127.0.0.1:1",
        PaymeshCtl.TOKEN_ENV, TestTokens.VIEWER), InputStream.nullInputStream(), "get", "services");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(run.err()).contains("cannot reach the admin API at http://127.0.0.1:1/");
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static String chargeTarget() {
    return HTTP.get(ROUTES).token(TestTokens.VIEWER).send().json().path("spec").path("routes")
        .get(0).path("destination").path("target").asText();
  }

  private static JsonNode lastAuditEntry(String kind, String name) {
    JsonNode entries = HTTP.get("/v1/audit?kind=" + kind + "&name=" + name)
        .token(TestTokens.VIEWER).send().json().path("entries");
    return entries.get(entries.size() - 1);
  }

  private static void publish(ProxyStatusRecord record) throws Exception {
    ETCD.client().getKVClient()
        .put(bytes(AdminApp.PREFIX + "status/proxies/" + record.nodeId()),
            bytes(ProxyStatusCodec.toJson(record)))
        .get(10, TimeUnit.SECONDS);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }
}
