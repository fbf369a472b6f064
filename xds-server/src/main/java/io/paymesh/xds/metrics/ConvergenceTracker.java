package io.paymesh.xds.metrics;

import io.paymesh.xds.translate.ProxyGroup;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Measures how long a policy change takes to reach the proxies it changes, like Istio's
 * {@code pilot_proxy_convergence_time}, but up to the proxy's ACK rather than the send: the
 * publisher records which revision produced each group's current version of each type, and when
 * the publish of that revision began; a stream that ACKs that version observes the time since.
 *
 * <p>The clock starts when the policy snapshot of the revision is handed to the publisher, so it
 * includes translation, the Gate, the push and the client's own processing, but not etcd's
 * delivery of the watch event nor the watcher's coalescing: etcd events carry no time, and the
 * snapshot is the first thing that names the revision.
 *
 * <p>Only streams a change affects are measured: a stream that opened after the publish began
 * (its first config is not a change) is not, and each stream observes each revision of a type at
 * most once. Only the latest version of each group and type is remembered: a stream that ACKs a
 * superseded version observes nothing for it, and observes the newer revision when it catches up.
 */
public final class ConvergenceTracker {
  /** Receives one observation: the type URL and the seconds it took. */
  @FunctionalInterface
  interface Observer {
    void observe(String typeUrl, double seconds);
  }

  /** Which publish produced a group's current version of a type. */
  private record Origin(String version, long revision, long publishStartNanos) {}

  private record GroupType(ProxyGroup group, String typeUrl) {}

  private final Observer observer;
  private final LongSupplier nanoTime;
  /**
   * Written by the publisher (one writer), read by ADS threads on every ACK. One entry per group
   * and type ever served; a removed service's groups keep their last (empty-config) entry.
   */
  private final Map<GroupType, Origin> current = new ConcurrentHashMap<>();

  ConvergenceTracker(Observer observer, LongSupplier nanoTime) {
    this.observer = observer;
    this.nanoTime = nanoTime;
  }

  /** The clock reading to pass to {@link #published} for a publish starting now. */
  public long now() {
    return nanoTime.getAsLong();
  }

  /**
   * The group now serves {@code version} of the type, from the policy revision whose publish
   * began at {@code publishStartNanos}. Call before the cache may send it, so no ACK outruns it.
   */
  public void published(
      ProxyGroup group, String typeUrl, String version, long revision, long publishStartNanos) {
    current.put(new GroupType(group, typeUrl), new Origin(version, revision, publishStartNanos));
  }

  /** Starts measuring a stream of the group, opened now. */
  public StreamConvergence opened(ProxyGroup group) {
    return new StreamConvergence(group, nanoTime.getAsLong());
  }

  /** One ADS stream's part: which revision of each type it has already been measured for. */
  public final class StreamConvergence {
    private final ProxyGroup group;
    private final long openedNanos;
    /**
     * Per type URL; made at the first measurement, as most streams never see a change (at
     * 10,000 streams an empty concurrent map each was 3 MB). gRPC delivers a stream's requests
     * one at a time, each seeing what the one before did, so a plain map needs no lock.
     */
    private Map<String, Long> measuredRevision;

    private StreamConvergence(ProxyGroup group, long openedNanos) {
      this.group = group;
      this.openedNanos = openedNanos;
    }

    /** The stream ACKed a response of the type carrying {@code version}. */
    public void acked(String typeUrl, String version) {
      long now = nanoTime.getAsLong();
      Origin origin = current.get(new GroupType(group, typeUrl));
      if (origin == null || !origin.version().equals(version)
          || openedNanos > origin.publishStartNanos()) {
        return;
      }
      if (measuredRevision == null) {
        measuredRevision = new HashMap<>();
      }
      Long before = measuredRevision.get(typeUrl);
      if (before != null && before >= origin.revision()) {
        return; // Measured already: an ACK of the same version again (a resend) is not news.
      }
      measuredRevision.put(typeUrl, origin.revision());
      observer.observe(typeUrl, (now - origin.publishStartNanos()) / 1e9);
    }
  }
}
