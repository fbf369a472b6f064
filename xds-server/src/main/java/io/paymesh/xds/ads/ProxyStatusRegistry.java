package io.paymesh.xds.ads;

import io.paymesh.xds.translate.ProxyGroup;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each connected proxy has accepted and rejected, per ADS stream: the ACKed version of every
 * resource type and the last NACK with Envoy's error detail. Feeds logs, tests and, later, the
 * admin API's proxy status.
 */
public final class ProxyStatusRegistry {
  private final Clock clock;
  private final Map<Long, ProxyStatus> streams = new ConcurrentHashMap<>();

  public ProxyStatusRegistry(Clock clock) {
    this.clock = clock;
  }

  /** A rejected push: the version the proxy refused and why. */
  public record Nack(String typeUrl, String version, String errorDetail, Instant at) {}

  /**
   * One ADS stream's state; immutable, replaced on every change. {@code ackedVersions} holds,
   * per type URL, the version the proxy ACKed or reported when it resumed on this stream.
   */
  public record ProxyStatus(
      long streamId,
      String nodeId,
      ProxyGroup group,
      Map<String, String> ackedVersions,
      Optional<Nack> lastNack,
      long nackCount) {
    public ProxyStatus {
      ackedVersions = Map.copyOf(ackedVersions);
    }

    ProxyStatus withAck(String typeUrl, String version) {
      Map<String, String> acked = new HashMap<>(ackedVersions);
      acked.put(typeUrl, version);
      return new ProxyStatus(streamId, nodeId, group, acked, lastNack, nackCount);
    }

    ProxyStatus withNack(Nack nack) {
      return new ProxyStatus(
          streamId, nodeId, group, ackedVersions, Optional.of(nack), nackCount + 1);
    }
  }

  void opened(long streamId, String nodeId, ProxyGroup group) {
    streams.put(streamId, new ProxyStatus(streamId, nodeId, group, Map.of(), Optional.empty(), 0));
  }

  void acked(long streamId, String typeUrl, String version) {
    streams.computeIfPresent(streamId, (id, status) -> status.withAck(typeUrl, version));
  }

  void nacked(long streamId, String typeUrl, String version, String errorDetail) {
    Nack nack = new Nack(typeUrl, version, errorDetail, clock.instant());
    streams.computeIfPresent(streamId, (id, status) -> status.withNack(nack));
  }

  void closed(long streamId) {
    streams.remove(streamId);
  }

  /** Every open stream, in stream order. */
  public List<ProxyStatus> connected() {
    return streams.values().stream()
        .sorted((a, b) -> Long.compare(a.streamId(), b.streamId()))
        .toList();
  }

  /** The open streams of one node (normally one; two briefly while a proxy reconnects). */
  public List<ProxyStatus> byNode(String nodeId) {
    return connected().stream().filter(s -> s.nodeId().equals(nodeId)).toList();
  }
}
