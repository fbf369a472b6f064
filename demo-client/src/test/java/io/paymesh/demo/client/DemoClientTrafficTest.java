package io.paymesh.demo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.demo.DemoBackend;
import io.paymesh.xds.testing.Mesh;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The demo client as the walk-through runs it, against a real etcd, a real xds-server (its
 * plaintext ADS port) with the shipped example policy, and the two demo backends registered as
 * payments-v1 and payments-v2: its once-a-second counts show charges on payments-v1, and after a
 * RouteTable change sends charges to payments-v2, they show the traffic moving there.
 */
class DemoClientTrafficTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Pattern WINDOW = Pattern.compile("Charge last 1s: (.*?) failed=(\\d+)");

  private Mesh mesh;
  private DemoBackend v1;
  private DemoBackend v2;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private Thread client;
  private final AtomicInteger exitCode = new AtomicInteger(-1);

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    mesh.apply(ExamplePolicy.text());
    PrintStream backendLog = new PrintStream(OutputStream.nullOutputStream());
    v1 = DemoBackend.start(ETCD.client(), mesh.prefix(), "payments-v1", "payments-v1-demo", 0,
        Duration.ofSeconds(10), backendLog);
    v2 = DemoBackend.start(ETCD.client(), mesh.prefix(), "payments-v2", "payments-v2-demo", 0,
        Duration.ofSeconds(10), backendLog);
  }

  @AfterEach
  void stopAll() throws Exception {
    try {
      if (client != null) {
        client.interrupt();
        client.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(client.isAlive())
            .as("the client stops when interrupted; it is at %s",
                Arrays.toString(client.getStackTrace()))
            .isFalse();
      }
    } finally {
      v1.close();
      v2.close();
      mesh.close();
    }
  }

  @Test
  void counts_showChargesMovingToTheTargetARouteTableChangeNames() throws Exception {
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    client = new Thread(() -> exitCode.set(new CommandLine(new DemoClientMain(out, out, Map.of()))
        .execute("--plaintext-ads", "127.0.0.1:" + mesh.server().plaintextAdsPort(),
            "--rate", "50")), "demo-client");
    client.start();

    // The example sends every charge to payments-v1.
    awaitWindow("only payments-v1 answers", w -> w.getOrDefault("payments-v1-demo", 0L) > 0
        && w.getOrDefault("payments-v2-demo", 0L) == 0 && w.get("failed") == 0);
    long v2Before = v2.calls();

    String chargesToV2 =
        ExamplePolicy.withChargesTo(ExamplePolicy.paymentsRouteTable(), "payments-v2");
    assertThat(chargesToV2).isNotEqualTo(ExamplePolicy.paymentsRouteTable());
    mesh.apply(chargesToV2);

    awaitWindow("only payments-v2 answers", w -> w.getOrDefault("payments-v2-demo", 0L) > 0
        && w.getOrDefault("payments-v1-demo", 0L) == 0 && w.get("failed") == 0);
    assertThat(v2.calls()).isGreaterThan(v2Before);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .contains("calling payments.v1.Payments/Charge on xds:///payments 50 times a second")
        .containsPattern("since start: payments-v1-demo=\\d+ payments-v2-demo=\\d+");

    client.interrupt();
    client.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(exitCode.get()).isZero();
  }

  /** Waits for a window that {@code matches}; a timeout shows what the client printed. */
  private void awaitWindow(String what, Predicate<Map<String, Long>> matches) {
    try {
      await().atMost(CONVERGE).until(() -> lastWindow().filter(matches).isPresent());
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no one-second window where " + what + " within " + CONVERGE
          + "; the client thread is at " + Arrays.toString(client.getStackTrace())
          + "\nand printed:\n" + output.toString(StandardCharsets.UTF_8), e);
    }
  }

  /** The counts of the last complete one-second window: backend (or "failed") to calls. */
  private Optional<Map<String, Long>> lastWindow() {
    List<String> lines = output.toString(StandardCharsets.UTF_8).lines().toList();
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = WINDOW.matcher(lines.get(i));
      if (m.find()) {
        Map<String, Long> counts = new TreeMap<>();
        for (String pair : m.group(1).trim().split(" ")) {
          if (!pair.isEmpty()) {
            String[] kv = pair.split("=");
            counts.put(kv[0], Long.parseLong(kv[1]));
          }
        }
        counts.put("failed", Long.parseLong(m.group(2)));
        return Optional.of(counts);
      }
    }
    return Optional.empty();
  }
}
