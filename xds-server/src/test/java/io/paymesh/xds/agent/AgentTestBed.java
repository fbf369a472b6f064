package io.paymesh.xds.agent;

import io.paymesh.xds.identity.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One agent test's world: a mesh CA, a {@link FakeCa} on loopback signing with it, the
 * deploy-time trust bundle file, and agent options pointing at them with short retry delays.
 */
final class AgentTestBed implements AutoCloseable {
  /** Distinctive, so a test can search every log line and message for it. */
  static final String TOKEN = "jt-5f1c0e9a-do-not-log-me";

  final TestPki.Ca ca = TestPki.Ca.create("mesh-ca");
  final FakeCa fake;
  final Path dir;
  final Path trustBundle;

  AgentTestBed(Path tmp) throws IOException {
    this.fake = FakeCa.on(ca, TOKEN);
    this.dir = tmp.resolve("identity");
    this.trustBundle = tmp.resolve("trust-bundle.pem");
    Files.writeString(trustBundle, Pem.certificatesToPem(List.of(ca.certificate())));
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
