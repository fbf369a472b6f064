package io.paymesh.xds.ads;

import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each connected proxy has accepted and rejected, per ADS stream: the ACKed version of every
 * resource type and the last NACK with Envoy's error detail. Feeds logs, tests and, through its
 * listeners, the proxy status the admin API reads from etcd.
 */
public final class ProxyStatusRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyStatusRegistry.class);

  private final Clock clock;
  private final Map<Long, ProxyStatus> streams = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  public ProxyStatusRegistry(Clock clock) {
    this.clock = clock;
  }

  /**
   * Told after a stream of a node opened, ACKed, NACKed or closed. Called on gRPC threads, so an
   * implementation must return at once (hand the work to its own thread) and may read the
   * registry for the node's current state: only that, not the event, is meant to be published.
   */
  @FunctionalInterface
  public interface Listener {
    void changed(String nodeId);
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
      long nackCount,
      Instant connectedAt,
      Instant updatedAt) {
    public ProxyStatus {
      ackedVersions = Map.copyOf(ackedVersions);
    }

    ProxyStatus withAck(String typeUrl, String version, Instant at) {
      Map<String, String> acked = new HashMap<>(ackedVersions);
      acked.put(typeUrl, version);
      return new ProxyStatus(
          streamId, nodeId, group, acked, lastNack, nackCount, connectedAt, at);
    }

    ProxyStatus withNack(Nack nack) {
      return new ProxyStatus(streamId, nodeId, group, ackedVersions, Optional.of(nack),
          nackCount + 1, connectedAt, nack.at());
    }
  }

  /** Registers a listener for every later change. */
  public void addListener(Listener listener) {
    listeners.add(listener);
  }

  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  void opened(long streamId, String nodeId, ProxyGroup group) {
    Instant now = clock.instant();
    streams.put(streamId,
        new ProxyStatus(streamId, nodeId, group, Map.of(), Optional.empty(), 0, now, now));
    notifyChanged(nodeId);
  }

  void acked(long streamId, String typeUrl, String version) {
    Instant now = clock.instant();
    notifyChanged(
        streams.computeIfPresent(streamId, (id, status) -> status.withAck(typeUrl, version, now)));
  }

  void nacked(long streamId, String typeUrl, String version, String errorDetail) {
    Nack nack = new Nack(typeUrl, version, errorDetail, clock.instant());
    notifyChanged(streams.computeIfPresent(streamId, (id, status) -> status.withNack(nack)));
  }

  void closed(long streamId) {
    notifyChanged(streams.remove(streamId));
  }

  private void notifyChanged(ProxyStatus status) {
    if (status != null) {
      notifyChanged(status.nodeId());
    }
  }

  private void notifyChanged(String nodeId) {
    for (Listener listener : listeners) {
      try {
        listener.changed(nodeId);
      } catch (RuntimeException e) {
        // A status consumer must never break the ADS stream that reported the change.
        LOG.error("proxy status listener failed for node {}", ClientStrings.forLog(nodeId), e);
      }
    }
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

  /** The newest open stream of a node: the one a reconnected proxy is really using. */
  public Optional<ProxyStatus> latestOf(String nodeId) {
    return streams.values().stream()
        .filter(s -> s.nodeId().equals(nodeId))
        .max((a, b) -> Long.compare(a.streamId(), b.streamId()));
  }
}
