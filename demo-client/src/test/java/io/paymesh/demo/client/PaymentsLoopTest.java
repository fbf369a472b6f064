package io.paymesh.demo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop survives a call that never closes, the way a grpc-java bug can leave one: it counts
 * the call as failed once its deadline and a grace have passed, cancels it, and goes on; and an
 * interrupt stops it at once even while such a call is open. The channel here is a fake whose
 * calls are never answered or closed, which no real server can be made to do on purpose.
 */
class PaymentsLoopTest {
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
  private final NeverClosingChannel channel = new NeverClosingChannel();

  @Test
  @Timeout(30) // a loop that waited on the call itself would wait here forever
  void aCallThatNeverCloses_isCancelledAndCountedAsFailed_afterItsDeadlineAndGrace() {
    PaymentsLoop loop = new PaymentsLoop(channel, "Charge", 100, 3, out, Clock.systemUTC(),
        Duration.ofMillis(40), Duration.ofMillis(20));

    long calls = loop.run(Duration.ofMillis(1500));

    assertThat(calls).isPositive();
    assertThat(channel.started.get()).isEqualTo(calls);
    assertThat(channel.cancelled.get()).isEqualTo(calls);
    assertThat(output.toString(StandardCharsets.UTF_8))
        .containsPattern("Charge last 1s: failed=[1-9]\\d* \\(last: no answer and no close"
            + " 20 ms past the 40 ms deadline; cancelled\\) \\| since start:");
  }

  @Test
  void anInterrupt_stopsTheLoopAndCancelsTheOpenCall_evenIfTheCallWouldNeverClose() {
    PaymentsLoop loop = new PaymentsLoop(channel, "Charge", 10, 3, out, Clock.systemUTC(),
        Duration.ofHours(1), Duration.ofHours(1));
    AtomicLong calls = new AtomicLong(-1);
    Thread running = new Thread(() -> calls.set(loop.run(Duration.ZERO)), "payments-loop");
    running.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> channel.started.get() == 1);

    running.interrupt();

    await().atMost(Duration.ofSeconds(10)).until(() -> !running.isAlive());
    assertThat(calls.get()).isEqualTo(1);
    assertThat(channel.cancelled.get()).isEqualTo(1);
    assertThat(output.toString(StandardCharsets.UTF_8)).doesNotContain("failed=");
  }

  /** A channel whose calls start and then never receive anything, not even a close. */
  private static final class NeverClosingChannel extends Channel {
    final AtomicInteger started = new AtomicInteger();
    final AtomicInteger cancelled = new AtomicInteger();

    @Override
    public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
      return new ClientCall<>() {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          started.incrementAndGet();
        }

        @Override
        public void request(int messages) {}

        @Override
        public void cancel(String message, Throwable cause) {
          cancelled.incrementAndGet();
        }

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }

    @Override
    public String authority() {
      return "payments";
    }
  }
}
