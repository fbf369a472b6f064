package io.paymesh.admin.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.PolicyDocs;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.testing.EtcdExtension;
import java.net.URI;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Security-relevant changes need the security-admin role and a reason; those that concern the
 * CDE are proposed first and committed only when a second security admin approves, atomically,
 * with both actors and reasons in the audit log (fourEyes.require: cde, the default).
 */
class FourEyesTest {

  private static final String LEDGER_CALLERS = "/v1/authorizationpolicies/ledger-callers";
  private static final String PAYMENTS_V1 = "/v1/services/payments-v1";
  private static final String STRIPE = "/v1/paymentprocessors/stripe";

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @Test
  void anOperatorCannotChangeTheIdentityACdeServiceTrusts_norRepointCardData() throws Exception {
    long before = ETCD.currentRevision();

    Http.Reply identity = HTTP.put(PAYMENTS_V1).token(TestTokens.OPERATOR).ifMatch(etag(PAYMENTS_V1))
        .reason("rename").yaml(paymentsV1("spiffe://paymesh.local/ns/payments/sa/intruder", "[ledger, stripe]"))
        .send();
    assertThat(identity.status()).isEqualTo(403);
    assertThat(identity.json().path("errors").get(0).path("path").asText())
        .isEqualTo("Service/payments-v1.spec.identity");
    assertThat(identity.json().path("errors").get(0).path("message").asText())
        .contains("spiffe://paymesh.local/ns/payments/sa/intruder");

    Http.Reply repoint = HTTP.put(STRIPE).token(TestTokens.OPERATOR).ifMatch(etag(STRIPE))
        .reason("new endpoint").yaml(stripe("evil.example.com", "2s")).send();
    assertThat(repoint.status()).isEqualTo(403);
    assertThat(repoint.json().path("errors").toString())
        .contains("PaymentProcessor/stripe.spec.endpoints", "PaymentProcessor/stripe.spec.tls");

    Http.Reply toProcessor = HTTP.put("/v1/routetables/payments").token(TestTokens.OPERATOR)
        .ifMatch(etag("/v1/routetables/payments")).reason("charges straight to the PSP")
        .yaml(PolicyDocs.paymentsRouteTo("stripe")).send();
    assertThat(toProcessor.status()).isEqualTo(403);
    assertThat(toProcessor.json().path("errors").get(0).path("path").asText())
        .isEqualTo("RouteTable/payments.spec.routes");

    assertThat(ETCD.currentRevision()).as("nothing written").isEqualTo(before);

    // A processor's timeout is routing, not security: the operator may change it.
    Http.Reply timeout = HTTP.put(STRIPE).token(TestTokens.OPERATOR).ifMatch(etag(STRIPE))
        .yaml(stripe("api.stripe.com", "3s")).send();
    assertThat(timeout.status()).isEqualTo(200);
  }

  @Test
  void aNewDependencyOnACdeServiceIsSecurityRelevant_andNeedsAReason() throws Exception {
    String auditor = """
        kind: Service
        name: auditor
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: spiffe://paymesh.local/ns/payments/sa/auditor
          pciScope: CONNECTED
          dependencies: [ledger]
        """;
    Http.Reply byOperator = HTTP.put("/v1/services/auditor").token(TestTokens.OPERATOR)
        .reason("new auditor").yaml(auditor).send();
    assertThat(byOperator.status()).isEqualTo(403);
    assertThat(byOperator.json().path("errors").get(0).path("path").asText())
        .isEqualTo("Service/auditor.spec.dependencies");

    Http.Reply bySecurityAdminAlone = HTTP.put("/v1/services/auditor").token(TestTokens.SECURITY)
        .reason("new auditor").yaml(auditor).send();
    assertThat(bySecurityAdminAlone.status()).as("Service is an operator kind").isEqualTo(403);

    Http.Reply noReason = HTTP.put("/v1/services/auditor").token(TestTokens.PLATFORM)
        .yaml(auditor).send();
    assertThat(noReason.status()).isEqualTo(422);
    assertThat(noReason.json().path("errors").get(0).path("path").asText()).isEqualTo("reason");
    assertThat(noReason.json().path("errors").get(0).path("message").asText()).contains("ledger");

    Http.Reply proposed = HTTP.put("/v1/services/auditor").token(TestTokens.PLATFORM)
        .reason("CHG-12 auditor reads the ledger").yaml(auditor).send();
    assertThat(proposed.status()).isEqualTo(202);
    assertThat(HTTP.get("/v1/services/auditor").token(TestTokens.VIEWER).send().status())
        .as("not committed before the approval").isEqualTo(404);
  }

  @Test
  void aCdeChangeIsProposed_thenCommittedOnlyOnASecondSecurityAdminsApproval() throws Exception {
    String ledgerEtag = etag(LEDGER_CALLERS);
    Http.Reply proposed = HTTP.put(LEDGER_CALLERS).token(TestTokens.SECURITY).ifMatch(ledgerEtag)
        .reason("CHG-42 payments-v2 retired").yaml(PolicyDocs.ledgerCallers("[payments-v1]")).send();

    assertThat(proposed.status()).isEqualTo(202);
    String proposal = URI.create(proposed.header("Location").orElseThrow()).getPath();
    JsonNode body = proposed.json();
    assertThat(proposal).isEqualTo("/v1/proposals/" + body.path("id").asText());
    assertThat(body.path("proposer").asText()).isEqualTo(TestTokens.SECURITY_NAME);
    assertThat(body.path("securityChanges").get(0).asText())
        .isEqualTo("AuthorizationPolicy/ledger-callers spec: changes who may call Service/ledger"
            + " (CDE: ledger)");
    assertThat(body.path("documents").get(0).path("expectedRevision").asLong())
        .isEqualTo(Long.parseLong(ledgerEtag.replace("\"", "")));
    assertThat(etag(LEDGER_CALLERS)).as("nothing committed yet").isEqualTo(ledgerEtag);
    assertThat(HTTP.get("/v1/proposals").token(TestTokens.VIEWER).send().json().path("items"))
        .extracting(p -> p.path("id").asText()).containsExactly(body.path("id").asText());

    Http.Reply self = HTTP.post(proposal + "/approve").token(TestTokens.SECURITY)
        .reason("looks good").send();
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.json().path("message").asText()).contains("other than its proposer");
    assertThat(HTTP.post(proposal + "/approve").token(TestTokens.OPERATOR).reason("ok").send()
        .status()).isEqualTo(403);
    Http.Reply unexplained = HTTP.post(proposal + "/approve").token(TestTokens.SECURITY_2).send();
    assertThat(unexplained.status()).isEqualTo(422);
    assertThat(etag(LEDGER_CALLERS)).isEqualTo(ledgerEtag);

    Http.Reply approved = HTTP.post(proposal + "/approve").token(TestTokens.SECURITY_2)
        .reason("CHG-42 reviewed").send();
    assertThat(approved.status()).isEqualTo(200);
    long committed = approved.json().path("revision").asLong();
    assertThat(HTTP.get(LEDGER_CALLERS).token(TestTokens.VIEWER).send().json()
        .path("spec").path("rules").get(0).path("callers").toString()).isEqualTo("[\"payments-v1\"]");

    JsonNode entry = lastAuditEntry("authorizationpolicies", "ledger-callers");
    assertThat(entry.path("revision").asLong()).isEqualTo(committed);
    assertThat(entry.path("actor").asText()).isEqualTo(TestTokens.SECURITY_NAME);
    assertThat(entry.path("reason").asText()).isEqualTo("CHG-42 payments-v2 retired");
    assertThat(entry.path("approvedBy").asText()).isEqualTo(TestTokens.SECURITY_2_NAME);
    assertThat(entry.path("approvalReason").asText()).isEqualTo("CHG-42 reviewed");

    assertThat(HTTP.get(proposal).token(TestTokens.VIEWER).send().status())
        .as("an approved proposal is gone").isEqualTo(404);
    assertThat(HTTP.post(proposal + "/approve").token(TestTokens.ADMIN).reason("again").send()
        .status()).as("and cannot be committed twice").isEqualTo(404);
  }

  @Test
  void aProposalMadeAgainstAnOlderRevisionCannotBeApprovedAfterTheDocumentMoved() throws Exception {
    String ledgerEtag = etag(LEDGER_CALLERS);
    String first = propose(ledgerEtag, "[payments-v1]");
    String second = propose(ledgerEtag, "[payments-v2]");
    assertThat(HTTP.post(first + "/approve").token(TestTokens.SECURITY_2).reason("ok").send()
        .status()).isEqualTo(200);
    long moved = ETCD.currentRevision();

    Http.Reply stale = HTTP.post(second + "/approve").token(TestTokens.SECURITY_2).reason("ok").send();

    assertThat(stale.status()).isEqualTo(412);
    assertThat(stale.json().path("message").asText()).contains("moved since", "propose again");
    assertThat(ETCD.currentRevision()).isEqualTo(moved);
  }

  @Test
  void aProposalCanBeWithdrawnByItsProposerOrASecurityAdmin_notByAnOperator() throws Exception {
    String proposal = propose(etag(LEDGER_CALLERS), "[payments-v1]");

    assertThat(HTTP.delete(proposal).token(TestTokens.OPERATOR).send().status()).isEqualTo(403);
    assertThat(HTTP.delete(proposal).token(TestTokens.SECURITY).send().status()).isEqualTo(204);
    assertThat(HTTP.post(proposal + "/approve").token(TestTokens.SECURITY_2).reason("ok").send()
        .status()).isEqualTo(404);
    assertThat(HTTP.get("/v1/proposals").token(TestTokens.VIEWER).send().json().path("items"))
        .isEmpty();
  }

  @Test
  void aSecurityChangeOutsideTheCdeIsCommittedDirectly_andThePlanSaysWhatNeedsApproval()
      throws Exception {
    String fraudCallers = """
        kind: AuthorizationPolicy
        name: fraud-callers
        spec:
          service: fraud
          rules:
            - name: checkout
              callers: [checkout]
              to: [{methods: [POST], paths: [{prefix: /fraud.v1.Fraud/}]}]
        """;
    JsonNode plan = HTTP.put("/v1/authorizationpolicies/fraud-callers?dryRun=true")
        .token(TestTokens.SECURITY).yaml(fraudCallers).send().json();
    assertThat(plan.path("securityChanges").get(0).asText()).contains("Service/fraud");
    assertThat(plan.path("approvalRequired").asBoolean()).isFalse();
    JsonNode cdePlan = HTTP.put(LEDGER_CALLERS + "?dryRun=true").token(TestTokens.SECURITY)
        .yaml(PolicyDocs.ledgerCallers("[payments-v1]")).send().json();
    assertThat(cdePlan.path("approvalRequired").asBoolean()).isTrue();

    Http.Reply created = HTTP.put("/v1/authorizationpolicies/fraud-callers").token(TestTokens.SECURITY)
        .reason("CHG-7 fraud checks").yaml(fraudCallers).send();
    assertThat(created.status()).isEqualTo(201);
  }

  @Test
  void movingAServiceOutOfTheCdeIsACdeChange() throws Exception {
    String ledger = """
        kind: Service
        name: ledger
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: spiffe://paymesh.local/ns/payments/sa/ledger
          pciScope: CONNECTED
          dependencies: []
        """;
    assertThat(HTTP.put("/v1/services/ledger").token(TestTokens.OPERATOR).ifMatch(etag("/v1/services/ledger"))
        .reason("descope").yaml(ledger).send().status()).isEqualTo(403);
    Http.Reply proposed = HTTP.put("/v1/services/ledger").token(TestTokens.PLATFORM)
        .ifMatch(etag("/v1/services/ledger")).reason("descope").yaml(ledger).send();
    assertThat(proposed.status()).isEqualTo(202);
    assertThat(proposed.json().path("securityChanges").get(0).asText())
        .isEqualTo("Service/ledger spec.pciScope: pciScope changes from CDE to CONNECTED (CDE: ledger)");
  }

  private static String propose(String etag, String callers) {
    Http.Reply proposed = HTTP.put(LEDGER_CALLERS).token(TestTokens.SECURITY).ifMatch(etag)
        .reason("CHG-1").yaml(PolicyDocs.ledgerCallers(callers)).send();
    assertThat(proposed.status()).isEqualTo(202);
    return URI.create(proposed.header("Location").orElseThrow()).getPath();
  }

  private static String etag(String path) {
    return HTTP.get(path).token(TestTokens.VIEWER).send().etag();
  }

  private static JsonNode lastAuditEntry(String kind, String name) {
    JsonNode entries = HTTP.get("/v1/audit?kind=" + kind + "&name=" + name)
        .token(TestTokens.VIEWER).send().json().path("entries");
    return entries.get(entries.size() - 1);
  }

  private static String paymentsV1(String identity, String dependencies) {
    return """
        kind: Service
        name: payments-v1
        spec:
          ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
          identity: %s
          pciScope: CONNECTED
          dependencies: %s
        """.formatted(identity, dependencies);
  }

  private static String stripe(String address, String connectTimeout) {
    return """
        kind: PaymentProcessor
        name: stripe
        spec:
          endpoints:
            - {address: %s, port: 443, region: us-east-1, priority: 0}
          tls: {sni: %s, trustedCaSecret: psp-ca-bundle, subjectAltNames: [%s]}
          connectTimeout: %s
        """.formatted(address, address, address, connectTimeout);
  }
}
