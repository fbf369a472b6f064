package io.paymesh.xds.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.identity.IdentityRevocations;
import io.paymesh.config.identity.JoinToken;
import io.paymesh.config.identity.JoinTokens;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.identity.v1.SignResponse;
import io.paymesh.xds.testing.Csrs;
import io.paymesh.xds.testing.IdentityClient;
import io.paymesh.xds.testing.IdentityServer;
import io.paymesh.xds.testing.TestIdentity;
import io.paymesh.xds.testing.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The identity API end to end: two replicas of it over real TLS on loopback, sharing one real
 * etcd, called the way a workload agent calls it. Tests use their own services where state (a
 * revocation) would leak into others; etcd is never wiped, so the last test can check that
 * nothing secret was ever stored.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityServiceTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final String PREFIX = "/paymesh/";
  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final String CHECKOUT_ID = "spiffe://paymesh.local/ns/shop/sa/checkout";
  private static final String PAYMENTS_ID = "spiffe://paymesh.local/ns/payments/sa/payments";
  private static final String POLICY = """
      kind: Service
      name: checkout
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: %s
        pciScope: CONNECTED
        dependencies: []
      ---
      kind: Service
      name: payments
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: %s
        pciScope: CDE
        dependencies: []
      ---
      kind: Service
      name: ledger
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: spiffe://paymesh.local/ns/payments/sa/ledger
        pciScope: CDE
        dependencies: []
      ---
      kind: Service
      name: partner
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: spiffe://bank.example/ns/partner/sa/gateway
        pciScope: NONE
        dependencies: []
      """.formatted(CHECKOUT_ID, PAYMENTS_ID);
  private static final Actor OPS = new Actor("ops", "enrol");

  @TempDir static Path dir;
  private static final OffsetClock TOKENS_CLOCK = new OffsetClock();
  private static final OffsetClock CA_CLOCK = new OffsetClock();
  private static final AtomicReference<PolicySnapshot> POLICY_NOW = new AtomicReference<>();
  private static final List<String> TOKEN_TEXTS = Collections.synchronizedList(new ArrayList<>());
  private static final ListAppender<ILoggingEvent> LOGS = new ListAppender<>();
  private static TestPki pki;
  private static CertificateAuthority ca;
  private static Client etcdA;
  private static Client etcdB;
  private static IdentityServer replicaA;
  private static IdentityServer replicaB;
  private static IdentityClient client;
  private static JoinTokens tokens;
  private static IdentityRevocations revocations;

  @BeforeAll
  static void start() throws Exception {
    LOGS.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGS);
    PolicyCodec codec = new PolicyCodec();
    List<PolicyResource> documents = codec.decodeAll(POLICY);
    long revision = new PolicyRepository(ETCD.client(), PREFIX, codec).putAll(documents);
    POLICY_NOW.set(PolicySnapshot.builder(revision).addAll(documents).build());
    pki = TestPki.create(dir.resolve("mesh"), "mesh", Instant.now());
    ca = pki.loadCa(CA_CLOCK);
    etcdA = ETCD.newClient();
    etcdB = ETCD.newClient();
    replicaA = IdentityServer.start(ca, etcdA, PREFIX, POLICY_NOW::get, LIFETIME, TOKENS_CLOCK,
        CA_CLOCK);
    replicaB = IdentityServer.start(ca, etcdB, PREFIX, POLICY_NOW::get, LIFETIME, TOKENS_CLOCK,
        CA_CLOCK);
    client = new IdentityClient(ca.trustBundle());
    tokens = new JoinTokens(ETCD.client(), PREFIX, Duration.ofSeconds(10), TOKENS_CLOCK);
    revocations = new IdentityRevocations(ETCD.client(), PREFIX, Duration.ofSeconds(10), CA_CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGS);
    if (replicaA != null) {
      replicaA.close();
    }
    if (replicaB != null) {
      replicaB.close();
    }
    if (etcdA != null) {
      etcdA.close();
    }
    if (etcdB != null) {
      etcdB.close();
    }
  }

  @BeforeEach
  void resetClocks() {
    TOKENS_CLOCK.reset();
    CA_CLOCK.reset();
  }

  private static String newToken(String service) throws Exception {
    return newToken(service, JoinTokens.DEFAULT_TTL);
  }

  private static String newToken(String service, Duration ttl) throws Exception {
    String text = tokens.create(service, ttl, OPS, Optional.empty()).token().reveal();
    TOKEN_TEXTS.add(text);
    return text;
  }

  private static Status refusal(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as("the call was refused").isNotNull();
    return e.getStatus();
  }

  @Test
  void serviceWhoseIdentityIsOutsideTheTrustDomain_getsNoCertificate_andKeepsItsToken()
      throws Exception {
    String token = newToken("partner");

    Status status = refusal(() -> client.enrol(replicaA.port(), "partner", token));

    assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(status.getDescription()).isEqualTo("Service 'partner' has the identity "
        + "spiffe://bank.example/ns/partner/sa/gateway, outside this CA's trust domain "
        + "(spiffe://paymesh.local/...)");
    assertThat(replicaA.count("identity.sign.refused.foreign_trust_domain")).isEqualTo(1);
    // Refused before the token was used: it is still there to be consumed.
    assertThat(tokens.consume(JoinToken.parse(token), "partner").consumed()).isTrue();
  }

  @Test
  void firstCertificate_withAJoinToken_carriesThePolicyIdentity_andValidatesAgainstTheBundle()
      throws Exception {
    long before = replicaA.count("identity.sign.issued.enrolment");

    IdentityClient.Signed signed = client.enrol(replicaA.port(), "checkout", newToken("checkout"));

    SignResponse response = signed.response();
    X509Certificate leaf = signed.identity().leaf();
    assertThat(PeerIdentity.spiffeIdOf(leaf)).contains(CHECKOUT_ID);
    assertThat(signed.identity().chain()).hasSize(2).endsWith(pki.intermediate());
    assertThat(response.getNotAfter().getSeconds())
        .isEqualTo(leaf.getNotAfter().toInstant().getEpochSecond());
    assertThat(Duration.between(CertificateAuthority.issuedAt(leaf), leaf.getNotAfter().toInstant()))
        .isEqualTo(LIFETIME);
    List<X509Certificate> bundle = Pem.parseCertificates("bundle", response.getTrustBundlePem());
    assertThat(bundle).containsExactly(pki.root());
    Set<TrustAnchor> anchors = new HashSet<>();
    bundle.forEach(c -> anchors.add(new TrustAnchor(c, null)));
    PKIXParameters parameters = new PKIXParameters(anchors);
    parameters.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(
        CertificateFactory.getInstance("X.509").generateCertPath(signed.identity().chain()),
        parameters);
    assertThat(replicaA.count("identity.sign.issued.enrolment")).isEqualTo(before + 1);
  }

  @Test
  void joinToken_usedTwice_isRefusedTheSecondTime_evenOnTheOtherReplica() throws Exception {
    String token = newToken("checkout");
    client.enrol(replicaA.port(), "checkout", token);
    long before = replicaB.count("identity.sign.refused.token_unknown_or_used");

    Status status = refusal(() -> client.enrol(replicaB.port(), "checkout", token));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).isEqualTo("join token unknown, already used or expired");
    assertThat(replicaB.count("identity.sign.refused.token_unknown_or_used"))
        .isEqualTo(before + 1);
  }

  @Test
  void joinToken_pastItsExpiry_isRefused() throws Exception {
    String token = newToken("checkout", JoinTokens.MIN_TTL);
    TOKENS_CLOCK.advance(JoinTokens.MIN_TTL.plusSeconds(1));

    Status status = refusal(() -> client.enrol(replicaA.port(), "checkout", token));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).startsWith("join token expired at ")
        .endsWith("; it is used up: ask for a new one");
  }

  @Test
  void joinToken_ofAnotherService_isRefused_andUsedUp() throws Exception {
    String token = newToken("payments");

    Status wrong = refusal(() -> client.enrol(replicaA.port(), "checkout", token));
    Status afterwards = refusal(() -> client.enrol(replicaA.port(), "payments", token));

    assertThat(wrong.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(wrong.getDescription()).isEqualTo("join token was issued for another service; it "
        + "is used up: ask for a new one for Service 'checkout'");
    assertThat(afterwards.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
  }

  @Test
  void joinToken_malformedOrMissing_isRefused_withoutEchoingIt() throws Exception {
    String token = newToken("checkout");
    String typo = token.substring(0, 42) + "*";

    Status malformed = refusal(() -> client.enrol(replicaA.port(), "checkout", typo));
    Status missing = refusal(() -> client.enrol(replicaA.port(), "checkout", ""));

    assertThat(malformed.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(malformed.getDescription()).startsWith("join_token: expected 43 characters")
        .doesNotContain(token.substring(0, 10));
    assertThat(missing.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(missing.getDescription()).isEqualTo("join_token: required for a first "
        + "certificate; a renewal presents the current certificate (mTLS) instead");
    // Neither attempt used the real token up.
    assertThat(client.enrol(replicaA.port(), "checkout", token).identity().leaf()).isNotNull();
  }

  @Test
  void unknownService_orBadCsr_isRefusedBeforeTheTokenIsUsedUp() throws Exception {
    String token = newToken("checkout");

    Status unknown = refusal(() -> client.enrol(replicaA.port(), "fraud", token));
    Status badCsr = refusal(() -> client.call(replicaA.port(), Optional.empty(),
        SignRequest.newBuilder().setService("checkout").setJoinToken(token)
            .setCsrDer(ByteString.copyFrom(Csrs.of(Csrs.rsa2048()))).build()));
    Status badName = refusal(() -> client.enrol(replicaA.port(), "check\nout", token));

    assertThat(unknown.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(unknown.getDescription())
        .isEqualTo("no Service 'fraud' in the policy (revision " + POLICY_NOW.get().revision() + ")");
    assertThat(badCsr.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badCsr.getDescription()).isEqualTo("csr_der: the key must be EC P-256, got RSA");
    assertThat(badName.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(badName.getDescription())
        .isEqualTo("service: must be a Service name, got 'check\\u000aout'");
    assertThat(PeerIdentity.spiffeIdOf(client.enrol(replicaA.port(), "checkout", token)
        .identity().leaf())).contains(CHECKOUT_ID);
  }

  @Test
  void beforeThePolicyIsRead_everyRequestIsUnavailable() throws Exception {
    String token = newToken("checkout");
    PolicySnapshot policy = POLICY_NOW.getAndSet(null);
    Status status;
    try {
      status = refusal(() -> client.enrol(replicaA.port(), "checkout", token));
    } finally {
      POLICY_NOW.set(policy);
    }

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription())
        .isEqualTo("the xds-server has not read the policy from etcd yet; retry shortly");
  }

  @Test
  void renewal_withTheCurrentCertificate_issuesANewOne_withoutAToken() throws Exception {
    TestIdentity first = client.enrol(replicaA.port(), "checkout", newToken("checkout")).identity();
    long before = replicaB.count("identity.sign.issued.renewal");

    TestIdentity renewed = client.renew(replicaB.port(), first, "checkout").identity();

    assertThat(PeerIdentity.spiffeIdOf(renewed.leaf())).contains(CHECKOUT_ID);
    assertThat(renewed.leaf().getSerialNumber()).isNotEqualTo(first.leaf().getSerialNumber());
    assertThat(renewed.leaf().getPublicKey()).isNotEqualTo(first.leaf().getPublicKey());
    assertThat(replicaB.count("identity.sign.issued.renewal")).isEqualTo(before + 1);
    // The renewed certificate renews in turn.
    assertThat(client.renew(replicaA.port(), renewed, "checkout").identity().leaf()).isNotNull();
  }

  @Test
  void renewal_askingForAnotherService_isRefused() throws Exception {
    TestIdentity checkout = client.enrol(replicaA.port(), "checkout", newToken("checkout"))
        .identity();

    Status status = refusal(() -> client.renew(replicaA.port(), checkout, "payments"));

    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).isEqualTo("the client certificate is for " + CHECKOUT_ID
        + ", not for Service 'payments' (" + PAYMENTS_ID + ")");
  }

  @Test
  void renewal_sendingATokenToo_isRefused_andTheTokenKept() throws Exception {
    TestIdentity checkout = client.enrol(replicaA.port(), "checkout", newToken("checkout"))
        .identity();
    String token = newToken("checkout");

    Status status = refusal(() -> client.sign(replicaA.port(), Optional.of(checkout), "checkout",
        token, Certificates.newP256KeyPair()));

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).isEqualTo("send either a join token (first certificate, "
        + "without a client certificate) or a client certificate (renewal), not both");
    assertThat(client.enrol(replicaA.port(), "checkout", token).identity().leaf()).isNotNull();
  }

  @Test
  void revocation_stopsRenewalOfEarlierCertificates_andANewJoinTokenReEnrols() throws Exception {
    TestIdentity old = client.enrol(replicaA.port(), "ledger", newToken("ledger")).identity();
    CA_CLOCK.advance(Duration.ofSeconds(2));
    Instant revokedAt = revocations.revoke("ledger", OPS, Optional.of("INC-42")).revokedAt();

    Status status = refusal(() -> client.renew(replicaB.port(), old, "ledger"));

    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).isEqualTo("the identity of Service 'ledger' was revoked "
        + "at " + revokedAt + "; a certificate issued at " + CertificateAuthority.issuedAt(old.leaf())
        + " cannot be renewed: enrol again with a new join token");
    CA_CLOCK.advance(Duration.ofSeconds(2));
    TestIdentity reEnrolled = client.enrol(replicaB.port(), "ledger", newToken("ledger"))
        .identity();
    assertThat(CertificateAuthority.issuedAt(reEnrolled.leaf())).isAfter(revokedAt);
    assertThat(client.renew(replicaA.port(), reEnrolled, "ledger").identity().leaf()).isNotNull();
    assertThat(refusal(() -> client.renew(replicaA.port(), old, "ledger")).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void clientCertificateOfAnotherCa_cannotConnect() throws Exception {
    TestPki other = TestPki.create(dir.resolve("other"), "other", Instant.now());
    TestIdentity impostor = other.issue(CHECKOUT_ID, Instant.now());
    long issuedBefore = replicaA.count("identity.sign.issued.renewal");

    Status status = refusal(() -> client.renew(replicaA.port(), impostor, "checkout"));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(replicaA.count("identity.sign.issued.renewal")).isEqualTo(issuedBefore);
  }

  @Test
  void clientCertificateWithoutExactlyOneSpiffeId_authenticatesNobody() throws Exception {
    Instant now = Instant.now();
    TestIdentity twoNames = pki.issue(List.of(CHECKOUT_ID, PAYMENTS_ID),
        now.minus(Duration.ofMinutes(1)), now.plus(Duration.ofHours(1)));

    Status status = refusal(() -> client.renew(replicaA.port(), twoNames, "checkout"));

    assertThat(status.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(status.getDescription()).startsWith("join_token: required");
  }

  @Test
  void twoReplicasRacingOnOneToken_signAtMostOneCertificate() throws Exception {
    int rounds = 40;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        String token = newToken("payments");
        CyclicBarrier start = new CyclicBarrier(2);
        Future<Status.Code> viaA = pool.submit(() -> race(start, replicaA, token));
        Future<Status.Code> viaB = pool.submit(() -> race(start, replicaB, token));

        assertThat(List.of(viaA.get(60, TimeUnit.SECONDS), viaB.get(60, TimeUnit.SECONDS)))
            .as("round %d", round)
            .containsExactlyInAnyOrder(Status.Code.OK, Status.Code.UNAUTHENTICATED);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Status.Code race(CyclicBarrier start, IdentityServer replica, String token)
      throws Exception {
    start.await(30, TimeUnit.SECONDS);
    try {
      client.enrol(replica.port(), "payments", token);
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void afterEverything_etcdAndTheLogsHoldNoPrivateKeyAndNoTokenText() throws Exception {
    assertThat(TOKEN_TEXTS).hasSizeGreaterThan(40);
    ByteSequence all = ByteSequence.from(new byte[] {0});
    List<KeyValue> kvs = ETCD.client().getKVClient()
        .get(all, GetOption.builder().withRange(all).build()).get(10, TimeUnit.SECONDS).getKvs();
    StringBuilder everything = new StringBuilder();
    for (KeyValue kv : kvs) {
      everything.append(kv.getKey().toString(StandardCharsets.UTF_8)).append('=')
          .append(kv.getValue().toString(StandardCharsets.UTF_8)).append('\n');
    }
    assertThat(everything).contains("identity/revocations/ledger", "ISSUE_JOIN_TOKEN");
    assertThat(everything.toString()).doesNotContain("PRIVATE KEY");
    List<String> logLines = new ArrayList<>();
    synchronized (LOGS.list) {
      for (ILoggingEvent event : LOGS.list) {
        logLines.add(event.getFormattedMessage()
            + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage()));
      }
    }
    assertThat(logLines).anyMatch(line -> line.startsWith("Refused a certificate"));
    assertThat(String.join("\n", logLines)).doesNotContain("PRIVATE KEY");
    for (String token : TOKEN_TEXTS) {
      assertThat(everything.toString()).doesNotContain(token);
      assertThat(logLines).noneMatch(line -> line.contains(token));
    }
  }
}
