package io.paymesh.xds.ads;

import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
  private static final long[] NONE = {};

  private final Clock clock;
  private final Map<Long, ProxyStatus> streams = new ConcurrentHashMap<>();
  /**
   * The open stream ids of each node in ascending order, so a node's streams are found without
   * scanning all: at 10,000 streams the status publisher asks for thousands of nodes per second.
   * A node has one stream (two briefly while it reconnects), so an immutable array replaced in
   * {@code compute()} is both the safest and the smallest set: a sorted concurrent set cost about
   * 180 bytes per stream.
   */
  private final Map<String, long[]> streamsByNode = new ConcurrentHashMap<>();
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
   * {@code unanswered} holds the types of which a response awaits the proxy's ACK or NACK, or a
   * first request its response: while any does, the proxy's config is on its way and what it
   * has ACKed is about to change.
   */
  public record ProxyStatus(
      long streamId,
      String nodeId,
      ProxyGroup group,
      Map<String, String> ackedVersions,
      Optional<Nack> lastNack,
      long nackCount,
      Instant connectedAt,
      Instant updatedAt,
      Set<String> unanswered) {
    public ProxyStatus {
      ackedVersions = Map.copyOf(ackedVersions);
      unanswered = Set.copyOf(unanswered);
    }

    /** Whether config is on its way to the proxy: a response or request of a type unanswered. */
    public boolean inTransit() {
      return !unanswered.isEmpty();
    }

    ProxyStatus withAck(String typeUrl, String version, Instant at) {
      Map<String, String> acked = new HashMap<>(ackedVersions);
      acked.put(typeUrl, version);
      return new ProxyStatus(streamId, nodeId, group, acked, lastNack, nackCount, connectedAt,
          at, without(unanswered, typeUrl));
    }

    ProxyStatus withNack(Nack nack) {
      return new ProxyStatus(streamId, nodeId, group, ackedVersions, Optional.of(nack),
          nackCount + 1, connectedAt, nack.at(), without(unanswered, nack.typeUrl()));
    }

    ProxyStatus awaiting(String typeUrl) {
      if (unanswered.contains(typeUrl)) {
        return this;
      }
      Set<String> types = new HashSet<>(unanswered);
      types.add(typeUrl);
      return new ProxyStatus(streamId, nodeId, group, ackedVersions, lastNack, nackCount,
          connectedAt, updatedAt, types);
    }

    private static Set<String> without(Set<String> types, String typeUrl) {
      if (!types.contains(typeUrl)) {
        return types;
      }
      Set<String> rest = new HashSet<>(types);
      rest.remove(typeUrl);
      return rest;
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
    streams.put(streamId, new ProxyStatus(
        streamId, nodeId, group, Map.of(), Optional.empty(), 0, now, now, Set.of()));
    // compute() runs atomically per node, so two streams of a node opening at once both stay.
    streamsByNode.compute(nodeId, (node, ids) -> with(ids, streamId));
    notifyChanged(nodeId);
  }

  void acked(long streamId, String typeUrl, String version) {
    Instant now = clock.instant();
    notifyChanged(
        streams.computeIfPresent(streamId, (id, status) -> status.withAck(typeUrl, version, now)));
  }

  /**
   * The stream sent a response of the type, or the proxy a first request of it, that the other
   * end has yet to answer (an ACK or NACK, a response). Listeners hear nothing: what the proxy has
   * accepted has not changed, and the answer is what changes it.
   */
  void awaiting(long streamId, String typeUrl) {
    streams.computeIfPresent(streamId, (id, status) -> status.awaiting(typeUrl));
  }

  void nacked(long streamId, String typeUrl, String version, String errorDetail) {
    Nack nack = new Nack(typeUrl, version, errorDetail, clock.instant());
    notifyChanged(streams.computeIfPresent(streamId, (id, status) -> status.withNack(nack)));
  }

  void closed(long streamId) {
    ProxyStatus gone = streams.remove(streamId);
    if (gone != null) {
      streamsByNode.computeIfPresent(gone.nodeId(), (node, ids) -> without(ids, streamId));
    }
    notifyChanged(gone);
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
    long[] ids = streamsByNode.getOrDefault(nodeId, NONE);
    // In stream order; a stream closing meanwhile is left out.
    return Arrays.stream(ids).mapToObj(streams::get).filter(Objects::nonNull).toList();
  }

  /** The newest open stream of a node: the one a reconnected proxy is really using. */
  public Optional<ProxyStatus> latestOf(String nodeId) {
    long[] ids = streamsByNode.getOrDefault(nodeId, NONE);
    for (int i = ids.length - 1; i >= 0; i--) {
      ProxyStatus status = streams.get(ids[i]);
      if (status != null) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  /** {@code ids} (ascending, or null for none) with {@code id} added, ascending. */
  private static long[] with(long[] ids, long id) {
    long[] grown = ids == null ? new long[1] : Arrays.copyOf(ids, ids.length + 1);
    grown[grown.length - 1] = id;
    // Streams bind in the order their first requests arrive, not always in id order.
    Arrays.sort(grown);
    return grown;
  }

  /** {@code ids} without {@code id}; null (the node's entry removed) when none is left. */
  private static long[] without(long[] ids, long id) {
    long[] rest = Arrays.stream(ids).filter(open -> open != id).toArray();
    return rest.length == 0 ? null : rest;
  }
}
