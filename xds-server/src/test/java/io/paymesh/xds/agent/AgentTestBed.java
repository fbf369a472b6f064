package io.paymesh.xds.agent;

import io.paymesh.xds.testing.TestIdentity;
import io.paymesh.xds.testing.TestPki;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One agent test's world: a mesh PKI, a {@link FakeCa} on loopback signing with it, the
 * deploy-time trust bundle file (the PKI's root), and agent options pointing at them with short
 * retry delays.
 */
final class AgentTestBed implements AutoCloseable {
  /** Distinctive, so a test can search every log line and message for it. */
  static final String TOKEN = "jt-5f1c0e9a-do-not-log-me";

  final TestPki pki;
  final FakeCa fake;
  final Path dir;
  final Path trustBundle;

  AgentTestBed(Path tmp) throws IOException {
    this.pki = TestPki.create(tmp.resolve("pki"), "mesh", Instant.now());
    this.fake = FakeCa.on(pki, TOKEN);
    this.dir = tmp.resolve("identity");
    this.trustBundle = pki.bundleFile();
  }

  /**
   * A workload identity from {@code pki}, valid from a minute ago for {@code lifetime}: for tests
   * of the files, not of the CA.
   */
  static WorkloadIdentity identity(TestPki pki, Duration lifetime) {
    Instant now = Instant.now();
    TestIdentity issued = pki.issue(List.of("spiffe://paymesh.test/svc/checkout"),
        now.minus(Duration.ofMinutes(1)), now.plus(lifetime));
    return new WorkloadIdentity(issued.chain(), issued.key(), List.of(pki.root()));
  }

  WorkloadAgentOptions.Builder options() {
    return WorkloadAgentOptions.builder("checkout")
        .ca(fake.target())
        .trustBundle(trustBundle)
        .dir(dir)
        .joinToken(JoinTokenSource.of(TOKEN))
        .retry(Duration.ofMillis(100), Duration.ofMillis(400))
        .rpcDeadline(Duration.ofSeconds(5));
  }

  WorkloadAgent agent() {
    return new WorkloadAgent(options().build());
  }

  @Override
  public void close() throws InterruptedException {
    fake.close();
  }
}
