package io.paymesh.xds.load;

import io.paymesh.xds.status.ProxyStatusReader;
import io.paymesh.xds.status.ProxyStatusRecord;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How long after the streams were all ACKed their proxy status records in etcd all show it: a
 * record for every stream, with an ACKed version of each of the four types the simulated Envoys
 * subscribe to. A record that exists but still shows the stream as just opened does not count.
 */
final class StatusLag {
  private static final List<String> TYPES =
      List.of(SimulatedEnvoy.LDS, SimulatedEnvoy.RDS, SimulatedEnvoy.CDS, SimulatedEnvoy.EDS);

  /**
   * Each poll reads every status record from etcd (several MB at 10,000 streams); polled every
   * few milliseconds, the reads would compete with the server's writes of the records timed.
   */
  private static final Duration POLL = Duration.ofMillis(50);

  private final ProxyStatusReader reader;
  private final int streams;
  private final Duration timeout;

  StatusLag(ProxyStatusReader reader, int streams, Duration timeout) {
    this.reader = reader;
    this.streams = streams;
    this.timeout = timeout;
  }

  /**
   * Nanos from {@code ackedNanos} until etcd shows every stream's ACKs (to within one poll and
   * one read); empty on timeout.
   */
  Optional<Long> measure(long ackedNanos) {
    boolean complete = Waits.until(timeout, POLL, () -> reader.list().stream()
        .filter(StatusLag::showsEveryType).count() >= streams);
    return complete ? Optional.of(System.nanoTime() - ackedNanos) : Optional.empty();
  }

  private static boolean showsEveryType(ProxyStatusRecord record) {
    return record.ackedVersions().keySet().containsAll(TYPES);
  }
}
