package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The command line: usage errors exit 2 with a message saying what is wrong, --once exits 0 with
 * the files written or 1 when no certificate can be had, and an expired certificate ends a
 * running agent with 3.
 */
class WorkloadAgentMainTest {
  @TempDir
  Path tmp;

  private AgentTestBed bed;
  private Path tokenFile;

  @BeforeEach
  void setUp() throws Exception {
    bed = new AgentTestBed(tmp);
    tokenFile = tmp.resolve("join-token");
    Files.writeString(tokenFile, AgentTestBed.TOKEN + "\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    bed.close();
  }

  /** What one run printed and returned. */
  record Result(int exitCode, String out, String err) {}

  private static Result run(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = WorkloadAgentMain.run(args, new PrintWriter(out, true), new PrintWriter(err, true),
        environment);
    return new Result(code, out.toString(), err.toString());
  }

  private static Result run(String... args) {
    return run(Map.of(), args);
  }

  private List<String> baseArgs(String... more) {
    List<String> args = new ArrayList<>(List.of("--service", "checkout", "--ca", bed.fake.target(),
        "--trust-bundle", bed.trustBundle.toString(), "--dir", bed.dir.toString()));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void noArguments_isAUsageErrorNamingTheRequiredFlags() {
    Result result = run();
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("Missing required options")
        .contains("--service").contains("--ca").contains("--trust-bundle")
        .contains("Usage: workload-agent");
  }

  @Test
  void caWithoutPort_isAUsageError() {
    Result result = run("--service", "checkout", "--ca", "xds-server",
        "--trust-bundle", bed.trustBundle.toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("CA address 'xds-server' is not host:port");
  }

  @Test
  void unreadableTrustBundle_isAUsageError() {
    Result result = run("--service", "checkout", "--ca", "xds-server:18000",
        "--trust-bundle", tmp.resolve("missing.pem").toString());
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("--trust-bundle " + tmp.resolve("missing.pem") + ": not a readable file");
  }

  @Test
  void joinTokenOnTheCommandLine_isRefusedWithoutEchoingIt() {
    List<String> args = baseArgs("--join-token=" + AgentTestBed.TOKEN);
    Result result = run(args.toArray(String[]::new));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--join-token is not accepted")
        .contains("--join-token-file").contains("PAYMESH_JOIN_TOKEN")
        .doesNotContain(AgentTestBed.TOKEN);
    assertThat(bed.fake.calls()).isEmpty();
  }

  @Test
  void logLevel_setsTheRootLoggerLevel_andRejectsUnknownLevels() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    try {
      Result result = run(Map.of("PAYMESH_JOIN_TOKEN", AgentTestBed.TOKEN),
          baseArgs("--once", "--log-level", "WARN").toArray(String[]::new));
      assertThat(result.exitCode()).isZero();
      assertThat(root.getLevel()).isEqualTo(Level.WARN);
    } finally {
      root.setLevel(before);
    }
    Result wrong = run(baseArgs("--once", "--log-level", "LOUD").toArray(String[]::new));
    assertThat(wrong.exitCode()).isEqualTo(2);
    assertThat(wrong.err()).contains("--log-level").contains("LOUD");
  }

  @Test
  void help_listsTheExitCodes() {
    Result result = run("--help");
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("Exit codes:").contains("--join-token-file")
        .contains("--once").contains("/var/run/paymesh/identity")
        .doesNotContain("--join-token ") // the refused flag stays hidden
        .containsPattern("(?m)^\\s+3\\s+the certificate expired");
  }

  @Test
  void once_withTokenFile_writesTheIdentityAndExits0_thenRenewsWithoutToken() throws Exception {
    Result first = run(
        baseArgs("--once", "--join-token-file", tokenFile.toString()).toArray(String[]::new));
    assertThat(first.exitCode()).isZero();
    assertThat(IdentityFiles.readPair(bed.dir).orElseThrow().keyMatchesCertificate()).isTrue();
    assertThat(bed.dir.resolve("sds/certificate.yaml")).isRegularFile();

    Result second = run(baseArgs("--once").toArray(String[]::new)); // no token at all now
    assertThat(second.exitCode()).isZero();
    assertThat(bed.fake.calls()).extracting(FakeCa.Call::hadToken).containsExactly(true, false);
  }

  @Test
  void once_takesTheTokenFromTheEnvironment() {
    Result result = run(Map.of("PAYMESH_JOIN_TOKEN", AgentTestBed.TOKEN),
        baseArgs("--once").toArray(String[]::new));
    assertThat(result.exitCode()).isZero();
    assertThat(bed.fake.calls()).extracting(FakeCa.Call::hadToken).containsExactly(true);
  }

  @Test
  void once_withoutTokenOrCertificate_exits1() {
    Result result = run(baseArgs("--once").toArray(String[]::new));
    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(bed.fake.calls()).isEmpty();
    assertThat(bed.dir.resolve("..data")).doesNotExist();
  }

  @Test
  void running_exits3WhenTheCertificateExpiresWithoutRenewal() throws Exception {
    bed.fake.lifetime(Duration.ofSeconds(3));
    String[] args = baseArgs("--join-token-file", tokenFile.toString()).toArray(String[]::new);
    CompletableFuture<Result> running = CompletableFuture.supplyAsync(() -> run(args));
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(bed.dir.resolve("cert.pem")));

    bed.fake.down(true);

    assertThat(running.get(15, TimeUnit.SECONDS).exitCode()).isEqualTo(3);
  }
}
