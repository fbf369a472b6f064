package io.paymesh.xds.load;

import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.xds.bench.SyntheticPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Puts changes of service 0's RouteTable into etcd and times what the simulated Envoys receive:
 * a change has converged when at least one stream got a push and then no stream received
 * anything for the quiet period. Affected streams are those that received something after the
 * first put; each one's latency runs from the put to its last response. The last put's etcd
 * floor ({@link EtcdFloor}) is taken in the same change.
 */
final class ChangeTimer {
  private final PolicyRepository repository;
  private final List<SimulatedEnvoy> envoys;
  private final StreamTally tally;
  private final Duration timeout;
  private final Duration quiet;
  private final EtcdFloor floor;

  ChangeTimer(PolicyRepository repository, List<SimulatedEnvoy> envoys, StreamTally tally,
      Duration timeout, Duration quiet, EtcdFloor floor) {
    this.repository = repository;
    this.envoys = envoys;
    this.tally = tally;
    this.timeout = timeout;
    this.quiet = quiet;
    this.floor = floor;
  }

  /**
   * What one change, or one burst, did to the streams. {@code lastPutEtcdFloorNanos} runs from the
   * last put's start to the tool's watch hearing of it; negative if the watch did not.
   */
  record Change(int puts, Instant firstPutAt, long firstPutNanos, long lastPutNanos,
      long lastPutCallNanos, long lastPutEtcdFloorNanos, boolean converged, List<Long> latencies,
      List<Integer> pushes) {
    /** Nanos from the last put to the last response any stream received. */
    long convergenceNanos() {
      return latencies.stream().mapToLong(Long::longValue).max().orElse(0)
          - (lastPutNanos - firstPutNanos);
    }
  }

  Change single(Duration routeTimeout) throws Exception {
    return burst(1, Duration.ZERO, () -> routeTimeout);
  }

  /** {@code puts} changes spread evenly over {@code over}. */
  Change burst(int puts, Duration over, Supplier<Duration> routeTimeouts) throws Exception {
    int[] before = envoys.stream().mapToInt(SimulatedEnvoy::totalResponses).toArray();
    long responsesBefore = tally.responses();
    Instant firstAt = Instant.now();
    long first = System.nanoTime();
    long last = first;
    long lastCall = 0;
    long lastRevision = 0;
    for (int i = 0; i < puts; i++) {
      long due = first + over.toNanos() * i / puts;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      last = System.nanoTime();
      lastRevision = put(routeTimeouts.get());
      lastCall = System.nanoTime() - last;
    }
    long lastPut = last;
    boolean converged = Waits.until(timeout, () -> tally.responses() > responsesBefore
        && System.nanoTime() - Math.max(lastPut, tally.latestResponseNanos()) > quiet.toNanos());
    // Heard long before the change converged: the wait costs nothing.
    long etcdFloor = floor.heardAt(lastRevision, timeout).map(at -> at - lastPut).orElse(-1L);
    List<Long> latencies = new ArrayList<>();
    List<Integer> pushes = new ArrayList<>();
    for (int i = 0; i < envoys.size(); i++) {
      SimulatedEnvoy envoy = envoys.get(i);
      int received = envoy.totalResponses() - before[i];
      if (received > 0) {
        latencies.add(envoy.lastResponseNanos() - first);
        pushes.add(received);
      }
    }
    return new Change(puts, firstAt, first, lastPut, lastCall, etcdFloor, converged, latencies,
        pushes);
  }

  /** Returns the put's etcd revision. */
  private long put(Duration routeTimeout) throws PolicyValidationException {
    return repository.put(SyntheticPolicy.firstRouteTable(routeTimeout));
  }
}
