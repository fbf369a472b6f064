package io.paymesh.xds.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.paymesh.config.testing.EtcdExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The demo backend of scripts/run answers payments RPCs with its name, registers itself as an
 * endpoint of its Service while it runs, and takes the registration away when it stops.
 */
class DemoBackendTest {

  @RegisterExtension
  static final EtcdExtension ETCD = new EtcdExtension();

  private static final String PREFIX = "/demo-backend/";

  @Test
  void backend_answersWithItsNameAndIsRegisteredOnlyWhileItRuns() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    String key;
    int port;
    try (DemoBackend backend = DemoBackend.start(ETCD.client(), PREFIX, "payments-v1", "v1-a", 0,
        Duration.ofSeconds(5), new PrintStream(log, true, StandardCharsets.UTF_8))) {
      key = backend.key();
      port = backend.port();
      assertThat(key).isEqualTo(PREFIX + "endpoints/payments-v1/v1-a");
      assertThat(value(key)).contains("\"address\":\"127.0.0.1\"").contains("\"port\":" + port);

      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        for (String method : DemoBackend.METHODS) {
          assertThat(ClientCalls.blockingUnaryCall(channel, DemoBackend.method(method),
              io.grpc.CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS), "pay"))
              .isEqualTo("v1-a");
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      assertThat(backend.calls()).isEqualTo(3);
      assertThat(log.toString(StandardCharsets.UTF_8))
          .contains("v1-a: Charge #1", "v1-a: Refund #2", "v1-a: GetPayment #3");
    }

    assertThat(value(key)).as("lease revoked on close").isEmpty();
  }

  @Test
  void help_printsUsageAndExitsZero() {
    CommandLine command = new CommandLine(new DemoBackendMain());
    java.io.StringWriter out = new java.io.StringWriter();
    command.setOut(new java.io.PrintWriter(out));

    assertThat(command.execute("--help")).isZero();
    assertThat(out.toString()).contains("--service", "--etcd", "--ttl");
  }

  private static String value(String key) throws Exception {
    var kvs = ETCD.client().getKVClient()
        .get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.isEmpty() ? "" : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
  }
}
