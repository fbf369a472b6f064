package io.paymesh.demo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The demo client's command line refuses what it cannot honour, with exit 2 and one line, before
 * opening any channel: no bootstrap at all, or options that grpc-java would silently ignore
 * because the environment names a bootstrap.
 */
class DemoClientMainTest {

  private record Run(int exitCode, String err) {}

  private static Run run(Map<String, String> environment, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new CommandLine(new DemoClientMain(new PrintStream(OutputStream.nullOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8), environment)).execute(args);
    return new Run(code, err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void withoutABootstrap_saysWhereToGetOne_exit2() {
    Run run = run(Map.of());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("paymesh-demo-client: no xDS bootstrap: give --plaintext-ads"
        + " HOST:PORT or --bootstrap FILE, or set GRPC_XDS_BOOTSTRAP\n");
  }

  @Test
  void aBootstrapOptionWhileTheEnvironmentNamesOne_isRefused_notSilentlyOverridden() {
    Run run = run(Map.of("GRPC_XDS_BOOTSTRAP", "/etc/bootstrap.json"),
        "--plaintext-ads", "127.0.0.1:18001");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("grpc-java prefers to --plaintext-ads and --bootstrap");
  }

  @Test
  void anUnknownMethod_aBadRate_orABadAddress_isRefused() {
    assertThat(run(Map.of(), "--plaintext-ads", "127.0.0.1:18001", "--method", "Steal").err())
        .contains("--method must be one of [Charge, Refund, GetPayment], got Steal");
    assertThat(run(Map.of(), "--plaintext-ads", "127.0.0.1:18001", "--rate", "0").err())
        .contains("--rate must be 1 to 1000, got 0");
    assertThat(run(Map.of(), "--plaintext-ads", "\"evil\":1").err())
        .contains("--plaintext-ads must be HOST:PORT");
  }
}
