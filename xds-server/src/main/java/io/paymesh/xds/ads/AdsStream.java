package io.paymesh.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.identity.PeerIdentity;
import io.paymesh.xds.metrics.ConvergenceTracker;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What paymesh knows of one ADS stream whichever xDS variant it speaks (state of the world or
 * delta): who is at the other end (the peer's certificate and the node bound by the first
 * request) and where what the stream reports goes (the proxy status registry, metrics, the
 * convergence measure and the log, within the stream's {@link LogBudget}). The variant's own
 * protocol memory ({@link StateOfTheWorldProtocol}, {@link DeltaProtocol}) tells it what
 * happened; this class decides nothing about the protocol.
 *
 * <p>gRPC delivers a stream's requests one at a time; pushes come from the library's executor and
 * only touch thread-safe parts (metrics).
 */
final class AdsStream {
  private static final Logger LOG = LoggerFactory.getLogger(AdsStream.class);
  /** A NACK's error detail is worth reading in full, but a client must not flood the log. */
  private static final int MAX_NACK_DETAIL_LOGGED = 2048;
  /** What the status record in etcd keeps of a NACK's error detail (etcd values are small). */
  static final int MAX_NACK_DETAIL_RECORDED = 8192;

  private final long id;
  private final Optional<PeerIdentity> peer;
  private final StreamAuthenticator authenticator;
  private final ProxyStatusRegistry registry;
  private final XdsMetrics metrics;
  /** Bounds the lines this stream's requests (ACKs, NACKs, resumes) may write. */
  private final LogBudget logBudget = LogBudget.perMinute();
  private volatile Node node;
  /** Set with the node: measures how long changes take to reach this stream. */
  private ConvergenceTracker.StreamConvergence convergence;
  /** Set once the stream is refused; requests arriving before the close takes effect drop. */
  private volatile boolean refused;

  AdsStream(long id, Optional<PeerIdentity> peer, StreamAuthenticator authenticator,
      ProxyStatusRegistry registry, XdsMetrics metrics) {
    this.id = id;
    this.peer = peer;
    this.authenticator = authenticator;
    this.registry = registry;
    this.metrics = metrics;
  }

  boolean refused() {
    return refused;
  }

  /**
   * Whether a request may go on to the library: within {@link AdsRequestLimits} (checked first by
   * the caller, so nothing reads an oversized node), and from a node the peer may claim.
   *
   * @param overLimit the request's {@link AdsRequestLimits} refusal, if any
   * @param requestNode the request's node, empty when it carries none
   */
  Optional<Status> admit(Optional<Status> overLimit, Optional<Node> requestNode) {
    if (overLimit.isPresent()) {
      refused = true;
      // The description names the field and the limit; the stream's own node, once known,
      // says who sent it. The request's node id is shown only escaped and truncated.
      LOG.warn("ADS stream {} refused: peer={} node.id={}: {}", id, peerName(),
          ClientStrings.forLog(node != null
              ? node.getId() : requestNode.map(Node::getId).orElse("")),
          overLimit.get().getDescription());
      return overLimit;
    }
    return authenticate(requestNode);
  }

  /**
   * Checks the node of the first request against the peer's identity. Later requests were
   * already bound to that node (they may omit it; if they carry one it must be the same).
   */
  private Optional<Status> authenticate(Optional<Node> requestNode) {
    Optional<Status> refusal;
    if (node == null) {
      refusal = requestNode.isPresent()
          ? ClientVersions.tooOld(requestNode.get())
              .map(reason -> Status.FAILED_PRECONDITION.withDescription(reason))
              .or(() -> authenticator.onFirstRequest(peer, requestNode.get()))
          : Optional.of(Status.INVALID_ARGUMENT.withDescription(
              "the first request of an ADS stream must carry the node"));
    } else if (requestNode.isPresent()
        && !ProxyGroups.groupOf(requestNode.get()).equals(ProxyGroups.groupOf(node))) {
      refusal = Optional.of(Status.PERMISSION_DENIED.withDescription(
          "a stream's node may not change"));
    } else {
      refusal = Optional.empty();
    }
    if (refusal.isPresent()) {
      refused = true;
      Node shown = requestNode.orElse(Node.getDefaultInstance());
      LOG.warn("ADS stream {} refused: peer={} node.id={} node.cluster={}: {}", id,
          peerName(),
          ClientStrings.forLog(shown.getId()),
          ClientStrings.forLog(shown.getCluster()),
          refusal.get().getDescription());
    }
    return refusal;
  }

  /**
   * Binds the stream to the node of its first admitted request (xDS clients may omit
   * {@code node} afterwards, and the cache groups requests by node).
   *
   * @return the stream's node, for a request that omits it
   */
  Node bind(Optional<Node> requestNode) {
    if (node == null) {
      // admit() has checked that the first request carries the node.
      node = requestNode.orElseThrow();
      ProxyGroup group = ProxyGroups.groupOf(node);
      convergence = metrics.convergence().opened(group);
      registry.opened(id, node.getId(), group);
      // The group's service is the client's node.cluster: escaped like every client string.
      LOG.info("ADS stream {} opened by node {} (service {}, client {}, identity {})", id,
          ClientStrings.forLog(node.getId()), ClientStrings.forLog(group.service()),
          group.client(), peerName());
    }
    return node;
  }

  /** A response of the type is about to leave for the client, which is to ACK or NACK it. */
  void pushed(String type) {
    metrics.pushed(type);
    registry.awaiting(id, type);
  }

  /** The client asked for resources of the type that it does not hold yet: a response is due. */
  void requested(String type) {
    registry.awaiting(id, type);
  }

  /** The client accepted the response of the type that carried {@code version}. */
  void acked(String type, String version) {
    metrics.acked(type);
    convergence.acked(type, version);
    registry.acked(id, type, version);
    // At 10,000 proxies a line per ACK is most of the log; the status in etcd has them.
    if (LOG.isDebugEnabled()) {
      budgeted(() -> LOG.debug("ACK node={} type={} version={}",
          ClientStrings.forLog(node.getId()), shortType(type), ClientStrings.forLog(version)));
    }
  }

  /**
   * The client refused the response of the type that carried {@code rejectedVersion}.
   *
   * @param stillOn the version the client says it keeps running (state of the world only), or
   *     empty
   */
  void nacked(String type, String rejectedVersion, Optional<String> stillOn, String detail) {
    metrics.nacked(type);
    registry.nacked(id, type, rejectedVersion, recordable(detail));
    String keeps = stillOn.map(v -> " (still on " + ClientStrings.forLog(v) + ")").orElse("");
    budgeted(() -> LOG.warn("NACK node={} type={} version={}{} error={}",
        ClientStrings.forLog(node.getId()), shortType(type), rejectedVersion, keeps,
        ClientStrings.forLog(detail, MAX_NACK_DETAIL_LOGGED)));
  }

  /**
   * A client resuming on a new stream (after a reconnect or a server restart) reports the
   * version it already runs; content-hash versions make it comparable here.
   */
  void resumed(String type, String version) {
    registry.acked(id, type, version);
    if (LOG.isDebugEnabled()) {
      budgeted(() -> LOG.debug("node={} resumes type={} at version={}",
          ClientStrings.forLog(node.getId()), shortType(type), ClientStrings.forLog(version)));
    }
  }

  /** A DEBUG line about a request, within the stream's log budget. */
  void debug(String format, Object... arguments) {
    if (LOG.isDebugEnabled()) {
      budgeted(() -> LOG.debug("ADS stream " + id + ": " + format, arguments));
    }
  }

  void closed() {
    registry.closed(id);
    reportSuppressed();
    LOG.info("ADS stream {} of node {} closed", id,
        node == null ? "?" : ClientStrings.forLog(node.getId()));
  }

  /** Writes a line caused by a request only while the stream's log budget lasts. */
  private void budgeted(Runnable line) {
    if (logBudget.tryAcquire()) {
      reportSuppressed();
      line.run();
    }
  }

  private void reportSuppressed() {
    long suppressed = logBudget.takeSuppressed();
    if (suppressed > 0) {
      LOG.warn("ADS stream {} of node {}: {} log lines suppressed (at most {} per {})", id,
          node == null ? "?" : ClientStrings.forLog(node.getId()), suppressed,
          logBudget.linesPerWindow(), logBudget.window());
    }
  }

  private String peerName() {
    return peer.map(PeerIdentity::spiffeId).orElse("<no certificate>");
  }

  /**
   * The error detail as the status record keeps it: a client's own words, but no more of them
   * than fit comfortably in an etcd value.
   */
  private static String recordable(String detail) {
    return detail.length() <= MAX_NACK_DETAIL_RECORDED
        ? detail
        : detail.substring(0, MAX_NACK_DETAIL_RECORDED) + "...(" + detail.length() + " chars)";
  }

  static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }
}
