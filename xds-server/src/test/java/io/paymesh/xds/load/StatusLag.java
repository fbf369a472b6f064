package io.paymesh.xds.load;

import io.paymesh.xds.status.ProxyStatusReader;
import java.time.Duration;
import java.util.Optional;

/** How long after the streams were all ACKed their proxy status records are all in etcd. */
final class StatusLag {
  private final ProxyStatusReader reader;
  private final int streams;
  private final Duration timeout;

  StatusLag(ProxyStatusReader reader, int streams, Duration timeout) {
    this.reader = reader;
    this.streams = streams;
    this.timeout = timeout;
  }

  /** Nanos from {@code ackedNanos} until etcd holds a record per stream; empty on timeout. */
  Optional<Long> measure(long ackedNanos) {
    boolean complete = Waits.until(timeout, () -> reader.list().size() >= streams);
    return complete ? Optional.of(System.nanoTime() - ackedNanos) : Optional.empty();
  }
}
