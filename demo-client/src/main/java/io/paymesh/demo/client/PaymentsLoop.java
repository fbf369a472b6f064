package io.paymesh.demo.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls one method of the payments API at a steady rate, one call at a time, and prints a line
 * of counts once a second ({@link TrafficCounts}), until its time is up or the thread is
 * interrupted. Each call carries {@code x-merchant-id} (the example's routes require it, and
 * sticky splits key on it), cycling through a few merchants so a split spreads.
 */
final class PaymentsLoop {
  static final Metadata.Key<String> MERCHANT =
      Metadata.Key.of("x-merchant-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Duration REPORT_EVERY = Duration.ofSeconds(1);
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(2);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final Channel channel;
  private final MethodDescriptor<String, String> method;
  private final int callsPerSecond;
  private final int merchants;
  private final PrintStream out;
  private final Clock clock;
  private final Duration callDeadline;
  private final Duration closeGrace;

  PaymentsLoop(Channel channel, String method, int callsPerSecond, int merchants,
      PrintStream out, Clock clock) {
    this(channel, method, callsPerSecond, merchants, out, clock, CALL_DEADLINE, CLOSE_GRACE);
  }

  PaymentsLoop(Channel channel, String method, int callsPerSecond, int merchants,
      PrintStream out, Clock clock, Duration callDeadline, Duration closeGrace) {
    this.channel = channel;
    this.method = PaymentsApi.method(method);
    this.callsPerSecond = callsPerSecond;
    this.merchants = merchants;
    this.out = out;
    this.clock = clock;
    this.callDeadline = callDeadline;
    this.closeGrace = closeGrace;
  }

  /**
   * Runs for {@code duration} (zero: until interrupted); returns the number of calls made. An
   * interrupt cancels the call in flight and ends it, with the interrupt flag kept for the
   * caller.
   */
  long run(Duration duration) {
    TrafficCounts counts = new TrafficCounts();
    long pause = TimeUnit.SECONDS.toNanos(1) / callsPerSecond;
    long start = System.nanoTime();
    long end = duration.isZero() ? Long.MAX_VALUE : start + duration.toNanos();
    long nextReport = start + REPORT_EVERY.toNanos();
    long calls = 0;
    while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
      call("merchant-" + (calls % merchants), counts);
      calls++;
      long now = System.nanoTime();
      if (now >= nextReport) {
        out.println(LocalTime.now(clock).format(TIME) + " " + method.getBareMethodName() + " "
            + counts.reportAndReset());
        nextReport += REPORT_EVERY.toNanos() * Math.max(1, (now - nextReport)
            / REPORT_EVERY.toNanos() + 1);
      }
      // Pacing, not synchronisation: the loop's rate is what an operator asked for.
      long wait = start + (calls * pause) - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return calls;
  }

  /**
   * One call, waited for at most its deadline plus {@link #closeGrace}. A grpc-java call should
   * close by its deadline, but grpc-java 1.85.1 can lose a call's close altogether (on a cluster
   * with outlier detection, which paymesh no longer sends it: docs/clients.md, note 15), and a
   * loop blocked on such a call would stop counting and ignore Ctrl-C. So a call still open by
   * then is cancelled and counted as failed, and the loop goes on. An interrupt cancels the call
   * in flight and returns at once, with the flag kept.
   */
  private void call(String merchant, TrafficCounts counts) {
    Metadata headers = new Metadata();
    headers.put(MERCHANT, merchant);
    Channel withHeaders = ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers));
    Future<String> answer = ClientCalls.futureUnaryCall(
        withHeaders.newCall(method, CallOptions.DEFAULT
            .withDeadlineAfter(callDeadline.toMillis(), TimeUnit.MILLISECONDS)),
        "order-of-" + merchant);
    try {
      counts.answeredBy(answer.get(callDeadline.plus(closeGrace).toMillis(),
          TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      Status status = Status.fromThrowable(e.getCause());
      counts.failed(status.getCode()
          + (status.getDescription() == null ? "" : ": " + status.getDescription()));
    } catch (TimeoutException e) {
      answer.cancel(true);
      counts.failed("no answer and no close " + closeGrace.toMillis() + " ms past the "
          + callDeadline.toMillis() + " ms deadline; cancelled");
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
    }
  }
}
