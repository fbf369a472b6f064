package io.paymesh.xds.load;

import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When a freshly started server begins to serve: the xds-server's gRPC health service says
 * SERVING only once it has published its first snapshot, i.e. read and checked the whole policy.
 */
final class ColdStart {
  private static final long CHECK_DEADLINE_MS = 500;

  private ColdStart() {}

  /** The wall-clock time (epoch ms) the health service first answered SERVING, if it did. */
  static Optional<Long> awaitServing(Channel channel, Duration timeout) {
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
    AtomicLong servingAt = new AtomicLong();
    boolean serving = Waits.until(timeout, () -> {
      try {
        ServingStatus status = health.withDeadlineAfter(CHECK_DEADLINE_MS, TimeUnit.MILLISECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus();
        if (status == ServingStatus.SERVING) {
          servingAt.set(System.currentTimeMillis());
          return true;
        }
      } catch (StatusRuntimeException notYet) {
        // Still starting: the port may be open before the health service answers.
      }
      return false;
    });
    return serving ? Optional.of(servingAt.get()) : Optional.empty();
  }
}
