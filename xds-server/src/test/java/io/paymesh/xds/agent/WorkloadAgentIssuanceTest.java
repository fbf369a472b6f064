package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.xds.identity.Pem;
import io.paymesh.xds.identity.PeerIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the agent gets a workload's certificate: with the join token the first time, by renewing
 * with the current certificate (mTLS, no token) afterwards and after a restart, and only from a
 * server whose certificate names the address dialled.
 */
class WorkloadAgentIssuanceTest {
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
  void firstIssuance_sendsTheJoinTokenWithoutClientCertificate_andWritesTheIdentity() throws Exception {
    try (WorkloadAgent agent = bed.agent()) {
      agent.start();

      assertThat(agent.state()).isEqualTo(WorkloadAgent.State.RUNNING);
      assertThat(agent.renewalCount()).isZero();
      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls).hasSize(1);
      assertThat(calls.get(0).service()).isEqualTo("checkout");
      assertThat(calls.get(0).hadToken()).isTrue();
      assertThat(calls.get(0).clientSerial()).isEmpty();

      X509Certificate current = agent.currentCertificate();
      assertThat(PeerIdentity.spiffeIdOf(current)).contains(FakeCa.TRUST_DOMAIN + "checkout");
      IdentityFiles.Pair onDisk = IdentityFiles.readPair(bed.dir).orElseThrow();
      assertThat(onDisk.leaf()).isEqualTo(current);
      assertThat(onDisk.keyMatchesCertificate()).isTrue();
      assertThat(Pem.readCertificates(bed.dir.resolve("bundle.pem")))
          .containsExactly(bed.pki.root());
      Path data = bed.dir.resolve(Files.readSymbolicLink(bed.dir.resolve("..data")));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("key.pem"))))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(bed.dir)))
          .isEqualTo("rwxr-x---");
    }
  }

  @Test
  void renewal_isAuthenticatedByTheCurrentCertificate_andUsesANewKey() throws Exception {
    try (WorkloadAgent agent = bed.agent()) {
      agent.start();
      X509Certificate first = agent.currentCertificate();

      agent.renewNow();

      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(1).hadToken()).isFalse();
      assertThat(calls.get(1).clientSerial()).contains(first.getSerialNumber());
      assertThat(calls.get(1).clientSpiffeId()).contains(FakeCa.TRUST_DOMAIN + "checkout");
      X509Certificate second = agent.currentCertificate();
      assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
      assertThat(second.getPublicKey()).isNotEqualTo(first.getPublicKey());
      assertThat(agent.renewalCount()).isEqualTo(1);
      assertThat(IdentityFiles.certificate(bed.dir)).isEqualTo(second);
    }
  }

  @Test
  void restart_withAValidStoredCertificate_renewsWithItAndNeverReadsTheToken() throws Exception {
    X509Certificate before;
    try (WorkloadAgent first = bed.agent()) {
      first.start();
      before = first.currentCertificate();
    }
    AtomicInteger tokenReads = new AtomicInteger();
    JoinTokenSource counting = () -> {
      tokenReads.incrementAndGet();
      return Optional.of(AgentTestBed.TOKEN);
    };

    try (WorkloadAgent restarted = new WorkloadAgent(bed.options().joinToken(counting).build())) {
      restarted.start();

      assertThat(tokenReads).hasValue(0);
      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(1).hadToken()).isFalse();
      assertThat(calls.get(1).clientSerial()).contains(before.getSerialNumber());
      assertThat(restarted.renewalCount()).isEqualTo(1);
      assertThat(restarted.currentCertificate()).isNotEqualTo(before);
    }
  }

  @Test
  void restart_withAnExpiredStoredCertificate_usesTheJoinToken() throws Exception {
    bed.fake.lifetime(Duration.ofMinutes(2));
    try (WorkloadAgent first = bed.agent()) {
      first.start();
    }
    bed.fake.lifetime(Duration.ofDays(1));
    // The same directory ten minutes later, by the agent's clock.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));

    try (WorkloadAgent restarted = new WorkloadAgent(bed.options().clock(later).build())) {
      restarted.start();

      List<FakeCa.Call> calls = bed.fake.calls();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(1).hadToken()).isTrue();
      assertThat(calls.get(1).clientSerial()).isEmpty();
      assertThat(restarted.renewalCount()).isZero();
    }
  }

  @Test
  void issueOnce_writesACertificateAndSchedulesNothing() throws Exception {
    try (WorkloadAgent agent = bed.agent()) {
      X509Certificate issued = agent.issueOnce();

      assertThat(IdentityFiles.certificate(bed.dir)).isEqualTo(issued);
      assertThat(agent.state()).isEqualTo(WorkloadAgent.State.NEW);
      assertThatThrownBy(agent::renewNow).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void noStoredCertificateAndNoToken_failsStartWithWhatToDo() throws Exception {
    try (WorkloadAgent agent =
        new WorkloadAgent(bed.options().joinToken(JoinTokenSource.none()).build())) {
      assertThatThrownBy(agent::start)
          .isInstanceOf(IssuanceException.class)
          .hasMessageContaining("no join token")
          .hasMessageContaining("--join-token-file or PAYMESH_JOIN_TOKEN");
      assertThat(bed.fake.calls()).isEmpty();
    }
  }

  @Test
  void refusedJoinToken_failsStartWithTheStatus_withoutEchoingTheToken() throws Exception {
    String wrong = "jt-wrong-0000-also-secret";
    try (WorkloadAgent agent =
        new WorkloadAgent(bed.options().joinToken(JoinTokenSource.of(wrong)).build())) {
      assertThatThrownBy(agent::start)
          .isInstanceOf(IssuanceException.class)
          .hasMessageContaining(bed.fake.target() + ": UNAUTHENTICATED: join token refused")
          .hasMessageNotContaining(wrong);
      assertThat(bed.dir.resolve("..data")).doesNotExist();
    }
  }

  @Test
  void hostnameVerification_refusesAServerCertificateForAnotherName() throws Exception {
    try (FakeCa impostor =
        new FakeCa(bed.pki, "xds-server.other.invalid", List.of(bed.pki), AgentTestBed.TOKEN)) {
      // Same CA, valid chain; only the name in the server certificate is not 127.0.0.1.
      WorkloadAgentOptions options = WorkloadAgentOptions.builder("checkout")
          .ca(impostor.target()).trustBundle(bed.trustBundle).dir(bed.dir)
          .joinToken(JoinTokenSource.of(AgentTestBed.TOKEN)).build();
      try (WorkloadAgent agent = new WorkloadAgent(options)) {
        assertThatThrownBy(agent::start)
            .isInstanceOf(IssuanceException.class)
            .hasMessageContaining(impostor.target() + ": UNAVAILABLE: io exception"
                + " (No subject alternative names matching IP address 127.0.0.1 found)");
      }
      assertThat(impostor.calls()).isEmpty();
      assertThat(bed.dir.resolve("..data")).doesNotExist();
    }
  }

  @Test
  void firstIssuance_triesTheNextReplicaWhenOneIsDown() throws Exception {
    bed.fake.down(true);
    try (FakeCa second = FakeCa.on(bed.pki, AgentTestBed.TOKEN);
        WorkloadAgent agent = new WorkloadAgent(bed.options().ca(second.target()).build())) {
      agent.start();

      assertThat(bed.fake.calls()).hasSize(1);
      assertThat(second.calls()).hasSize(1);
      assertThat(IdentityFiles.certificate(bed.dir)).isEqualTo(agent.currentCertificate());
    }
  }
}
