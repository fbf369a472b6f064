package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.testing.LogCapture;
import io.paymesh.xds.testing.TestPki;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The renewal loop in real time against the fake CA: short-lived certificates are renewed on
 * their own, failures back off and recover, an expiry without renewal is reported, a rotated CA
 * bundle is trusted from then on, and readers of the directory never see a torn pair.
 */
class WorkloadAgentRenewalTest {
  @TempDir
  Path tmp;

  private AgentTestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = new AgentTestBed(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    bed.close();
  }

  @Test
  void shortLivedCertificate_isRenewedRepeatedly_eachBeforeTheLastOneExpired() throws Exception {
    bed.fake.lifetime(Duration.ofSeconds(3));
    try (WorkloadAgent agent = bed.agent()) {
      agent.start();

      await().atMost(Duration.ofSeconds(15)).until(() -> agent.renewalCount() >= 2);

      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls.subList(1, calls.size())).allSatisfy(call -> {
        assertThat(call.hadToken()).isFalse();
        assertThat(call.clientSerial()).isPresent();
      });
      X509Certificate current = agent.currentCertificate();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> IdentityFiles.certificate(bed.dir).equals(agent.currentCertificate()));
      assertThat(current.getNotAfter().toInstant()).isAfter(Instant.now().minusSeconds(1));
      assertThat(agent.consecutiveFailures()).isZero();
    }
  }

  @Test
  void failedRenewals_backOffExponentially_thenRecover() throws Exception {
    try (WorkloadAgent agent = bed.agent()) { // retry 100 ms doubling to 400 ms
      agent.start();
      bed.fake.failNext(3);

      assertThatThrownBy(agent::renewNow)
          .isInstanceOf(IssuanceException.class)
          .hasMessageContaining("UNAVAILABLE: fake CA told to fail");
      assertThat(agent.consecutiveFailures()).isEqualTo(1);

      await().atMost(Duration.ofSeconds(10)).until(() -> agent.renewalCount() == 1);
      assertThat(agent.consecutiveFailures()).isZero();
      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls).hasSize(5); // first issuance, 3 failures, 1 success
      // Each wait is at least half its backoff (equal jitter): 100, 200, 400 ms -> 50, 100, 200.
      assertThat(gap(calls, 1)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
      assertThat(gap(calls, 2)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
      assertThat(gap(calls, 3)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
      assertThat(IdentityFiles.certificate(bed.dir)).isEqualTo(agent.currentCertificate());
    }
  }

  /** Time from call {@code i} to the next one, as the server saw them. */
  private static Duration gap(List<FakeCa.Call> calls, int i) {
    return Duration.between(calls.get(i).at(), calls.get(i + 1).at());
  }

  @Test
  void expiryWithoutRenewal_endsTheAgent_sayingANewJoinTokenIsNeeded() throws Exception {
    bed.fake.lifetime(Duration.ofSeconds(3));
    try (LogCapture log = new LogCapture(); WorkloadAgent agent = bed.agent()) {
      agent.start();
      Instant notAfter = agent.currentCertificate().getNotAfter().toInstant();
      bed.fake.down(true);

      await().atMost(Duration.ofSeconds(15)).until(() -> agent.state() == WorkloadAgent.State.EXPIRED);

      assertThatThrownBy(() -> agent.terminated().join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(IdentityExpiredException.class)
          .hasMessageContaining("expired at " + notAfter)
          .hasMessageContaining("a new join token is needed");
      assertThat(log.lines()).anyMatch(l -> l.startsWith("ERROR ")
          && l.contains("a new join token is needed"));
      // Retried until, not past, expiry (an attempt started just before it lands just after).
      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls.size()).isGreaterThan(3);
      assertThat(calls).allSatisfy(c -> assertThat(c.at()).isBefore(notAfter.plusMillis(500)));
      // And nothing after: an expired agent stops calling.
      int attempts = calls.size();
      await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
          .until(() -> bed.fake.calls().size() == attempts);
    }
  }

  @Test
  void caRotation_renewalsTrustTheBundleTheCaReturned_andMoveToTheNextReplica() throws Exception {
    TestPki next = TestPki.create(tmp.resolve("pki-2"), "mesh-2", Instant.now());
    // A replica whose server certificate only the new CA vouches for; it accepts either CA's clients.
    try (FakeCa rotated = new FakeCa(next, "127.0.0.1", List.of(bed.pki, next), AgentTestBed.TOKEN);
        WorkloadAgent agent = new WorkloadAgent(bed.options().ca(rotated.target()).build())) {
      rotated.rotate(next, List.of(bed.pki.root(), next.root()));
      agent.start(); // from the first replica, with the deploy-time bundle (old CA only)

      bed.fake.rotate(next, List.of(bed.pki.root(), next.root()));
      agent.renewNow(); // still the first replica: the new bundle comes with the new certificate
      assertThat(Pem.readCertificates(bed.dir.resolve("bundle.pem")))
          .containsExactly(bed.pki.root(), next.root());
      assertThat(agent.currentCertificate().getIssuerX500Principal())
          .isEqualTo(next.intermediate().getSubjectX500Principal());

      bed.fake.close();
      agent.renewNow(); // only the new replica is left, and only the returned bundle trusts it

      assertThat(rotated.calls()).hasSize(1);
      assertThat(rotated.calls().get(0).hadToken()).isFalse();
      assertThat(agent.renewalCount()).isEqualTo(2);
    }
  }

  @Test
  void readerOfTheDirectory_neverSeesACertificateWithTheKeyOfAnotherIssuance() throws Exception {
    try (WorkloadAgent agent = bed.agent()) {
      agent.start();
      AtomicBoolean renewing = new AtomicBoolean(true);
      AtomicInteger pairs = new AtomicInteger();
      AtomicReference<String> problem = new AtomicReference<>();
      Set<String> certificatesSeen = new HashSet<>();
      Thread reader = new Thread(() -> {
        try {
          while (renewing.get()) {
            Optional<IdentityFiles.Pair> pair = IdentityFiles.readPair(bed.dir);
            if (pair.isPresent()) {
              pairs.incrementAndGet();
              certificatesSeen.add(pair.get().certPem());
              if (!pair.get().keyMatchesCertificate()) {
                problem.set("key.pem is not the key of serial " + pair.get().leaf().getSerialNumber());
              }
            }
          }
        } catch (Exception e) {
          problem.compareAndSet(null, e.toString());
        }
      }, "identity-reader");
      reader.start();
      for (int i = 0; i < 30; i++) {
        agent.renewNow();
      }
      renewing.set(false);
      reader.join();

      assertThat(problem.get()).isNull();
      assertThat(agent.renewalCount()).isEqualTo(30);
      assertThat(pairs.get()).isGreaterThan(30);
      assertThat(certificatesSeen).hasSizeGreaterThan(5);
    }
  }

  @Test
  void givenScheduler_runsTheRenewals_andIsLeftRunningOnClose() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
    try {
      bed.fake.lifetime(Duration.ofSeconds(3));
      try (WorkloadAgent agent = new WorkloadAgent(bed.options().scheduler(scheduler).build())) {
        agent.start();
        assertThat(scheduler.getQueue()).hasSize(1); // the renewal, scheduled on our executor

        await().atMost(Duration.ofSeconds(10)).until(() -> agent.renewalCount() >= 1);
        assertThat(scheduler.getCompletedTaskCount()).isGreaterThanOrEqualTo(1);
      }
      assertThat(scheduler.isShutdown()).isFalse();
    } finally {
      scheduler.shutdownNow();
    }
  }
}
