package io.paymesh.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.identity.PeerIdentity;
import io.paymesh.xds.metrics.ConvergenceTracker;
import io.paymesh.xds.metrics.XdsMetrics;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of java-control-plane's ADS service and gives each stream the protocol memory the
 * library lacks: the node identity from the first request (xDS clients may omit {@code node}
 * afterwards, and the cache groups requests by node), and which version each nonce carried, so an
 * ACK or NACK can be logged with its version and a NACK can be marked as rejecting that version.
 * It also authenticates each stream ({@link StreamAuthenticator}): a refused stream is closed
 * before its first request reaches the library, so nothing is ever sent on it. Every request is
 * held to {@link AdsRequestLimits} before anything else reads it, and the log lines a stream's
 * requests cause are bounded by its {@link LogBudget}; what a client wrote is logged only through
 * {@link ClientStrings}. Pushes, ACKs and NACKs are counted by type ({@link XdsMetrics}), and
 * each ACK is shown to the stream's {@link ConvergenceTracker.StreamConvergence}.
 */
public final class AdsStreamInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AdsStreamInterceptor.class);
  /** A NACK's error detail is worth reading in full, but a client must not flood the log. */
  private static final int MAX_NACK_DETAIL_LOGGED = 2048;
  /** What the status record in etcd keeps of a NACK's error detail (etcd values are small). */
  static final int MAX_NACK_DETAIL_RECORDED = 8192;
  private static final String ADS_METHOD =
      AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getFullMethodName();

  private final ProxyStatusRegistry registry;
  private final StreamAuthenticator authenticator;
  private final XdsMetrics metrics;
  /** Shared by every interceptor of a replica, so stream ids stay unique across its ports. */
  private final AtomicLong streamIds;

  public AdsStreamInterceptor(
      ProxyStatusRegistry registry, XdsMetrics metrics, StreamAuthenticator authenticator,
      AtomicLong streamIds) {
    this.registry = registry;
    this.authenticator = authenticator;
    this.metrics = metrics;
    this.streamIds = streamIds;
  }

  @Override
  @SuppressWarnings("unchecked") // The ADS method's message types are fixed by ADS_METHOD.
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!call.getMethodDescriptor().getFullMethodName().equals(ADS_METHOD)) {
      return next.startCall(call, headers);
    }
    Optional<PeerIdentity> peer =
        PeerIdentity.of(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    Optional<Status> refusal = authenticator.onCallStart(peer);
    if (refusal.isPresent()) {
      metrics.streamRefused();
      LOG.warn("ADS stream refused before its first request from {}: {}",
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR),
          refusal.get().getDescription());
      call.close(refusal.get(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Stream stream = new Stream(streamIds.incrementAndGet(), peer);
    ServerCall<ReqT, RespT> observedCall =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(RespT message) {
            if (stream.refused) {
              return; // Closed by this interceptor: the library's late answers go nowhere.
            }
            stream.onResponse((DiscoveryResponse) message);
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (!stream.refused) { // Then this interceptor has closed the call already.
              super.close(status, trailers);
            }
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(observedCall, headers)) {
      // gRPC calls a listener one callback at a time, so this needs no lock.
      private boolean refusedToLibrary;

      @Override
      public void onMessage(ReqT message) {
        if (stream.refused) {
          return;
        }
        DiscoveryRequest request = (DiscoveryRequest) message;
        Optional<Status> refusal = stream.admit(request);
        if (refusal.isPresent()) {
          metrics.streamRefused();
          // The library may already watch the cache for this stream (a refusal can come on a
          // later request): it hears that the stream is over as if the client had cancelled,
          // so it drops its watches and sends nothing more; it hears nothing after that.
          call.close(refusal.get(), new Metadata());
          refusedToLibrary = true;
          super.onCancel();
          return;
        }
        super.onMessage((ReqT) stream.onRequest(request));
      }

      @Override
      public void onHalfClose() {
        if (!refusedToLibrary) {
          super.onHalfClose();
        }
      }

      @Override
      public void onReady() {
        if (!refusedToLibrary) {
          super.onReady();
        }
      }

      @Override
      public void onCancel() {
        stream.closed();
        if (!refusedToLibrary) {
          super.onCancel();
        }
      }

      @Override
      public void onComplete() {
        stream.closed();
        if (!refusedToLibrary) {
          super.onComplete();
        }
      }
    };
  }

  /** The last response sent for a type: only a request echoing its nonce is an ACK or NACK. */
  private record Sent(String nonce, String version) {}

  /**
   * One ADS stream. gRPC delivers requests one at a time, but responses are sent from the
   * library's executor, hence the concurrent map.
   */
  private final class Stream {
    private final long id;
    private final Optional<PeerIdentity> peer;
    private final Map<String, Sent> lastSent = new ConcurrentHashMap<>();
    /** Per type URL, the names the last request subscribed to (gRPC delivers them in order). */
    private final Map<String, Set<String>> subscribed = new HashMap<>();
    /** Bounds the lines this stream's requests (ACKs, NACKs, resumes) may write. */
    private final LogBudget logBudget = LogBudget.perMinute();
    private volatile Node node;
    /** Set with the node: measures how long changes take to reach this stream. */
    private ConvergenceTracker.StreamConvergence convergence;
    /** Set once the stream is refused; requests arriving before the close takes effect drop. */
    private volatile boolean refused;

    Stream(long id, Optional<PeerIdentity> peer) {
      this.id = id;
      this.peer = peer;
    }

    /**
     * Whether the request may go on to the library: within {@link AdsRequestLimits} (checked
     * first, so nothing reads an oversized node), and from a node the peer may claim.
     */
    Optional<Status> admit(DiscoveryRequest request) {
      Optional<Status> overLimit = AdsRequestLimits.check(request);
      if (overLimit.isPresent()) {
        refused = true;
        // The description names the field and the limit; the stream's own node, once known,
        // says who sent it. The request's node id is shown only escaped and truncated.
        LOG.warn("ADS stream {} refused: peer={} node.id={}: {}", id, peerName(),
            ClientStrings.forLog(node != null ? node.getId() : request.getNode().getId()),
            overLimit.get().getDescription());
        return overLimit;
      }
      return authenticate(request);
    }

    /**
     * Checks the node of the first request against the peer's identity. Later requests were
     * already bound to that node (they may omit it; if they carry one it must be the same).
     */
    private Optional<Status> authenticate(DiscoveryRequest request) {
      Optional<Status> refusal;
      if (node == null) {
        refusal = request.hasNode()
            ? ClientVersions.tooOld(request.getNode())
                .map(reason -> Status.FAILED_PRECONDITION.withDescription(reason))
                .or(() -> authenticator.onFirstRequest(peer, request.getNode()))
            : Optional.of(Status.INVALID_ARGUMENT.withDescription(
                "the first request of an ADS stream must carry the node"));
      } else if (request.hasNode()
          && !ProxyGroups.groupOf(request.getNode()).equals(ProxyGroups.groupOf(node))) {
        refusal = Optional.of(Status.PERMISSION_DENIED.withDescription(
            "a stream's node may not change"));
      } else {
        refusal = Optional.empty();
      }
      if (refusal.isPresent()) {
        refused = true;
        LOG.warn("ADS stream {} refused: peer={} node.id={} node.cluster={}: {}", id,
            peerName(),
            ClientStrings.forLog(request.getNode().getId()),
            ClientStrings.forLog(request.getNode().getCluster()),
            refusal.get().getDescription());
      }
      return refusal;
    }

    void onResponse(DiscoveryResponse response) {
      lastSent.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
      metrics.pushed(response.getTypeUrl());
    }

    DiscoveryRequest onRequest(DiscoveryRequest request) {
      DiscoveryRequest recorded = record(request);
      boolean subscribesToNewNames = subscribe(recorded);
      // A NACK keeps the version it was rewritten to: answering it would resend what failed.
      return subscribesToNewNames && !recorded.hasErrorDetail()
          ? recorded.toBuilder().clearVersionInfo().build()
          : recorded;
    }

    /**
     * A client subscribing by name (gRPC clients, for listeners and clusters) forgets a resource
     * when it unsubscribes from it. When it subscribes to it again, the library sees a name it
     * has sent on this stream before and a version the client already runs, and answers
     * nothing: a route moving from cluster A to B and back leaves the client without A. xDS
     * wants every newly subscribed name answered, whatever the version: clearing the version
     * makes the cache answer, with the same content-hash version, so nothing else changes.
     * The first request of a type on a stream is left alone (the library answers unknown names
     * itself), and so is a wildcard (Envoy's LDS and CDS).
     *
     * @return whether the request subscribes to a name its predecessor of the type did not
     */
    private boolean subscribe(DiscoveryRequest request) {
      List<String> names = request.getResourceNamesList();
      Set<String> before = subscribed.put(request.getTypeUrl(), Set.copyOf(names));
      return before != null && !names.isEmpty() && !before.containsAll(names);
    }

    /** Keeps the stream's memory (node, ACKs, NACKs) up to date; may rewrite a NACK. */
    private DiscoveryRequest record(DiscoveryRequest request) {
      if (node == null) {
        // authenticate() has checked that the first request carries the node.
        node = request.getNode();
        ProxyGroup group = ProxyGroups.groupOf(node);
        convergence = metrics.convergence().opened(group);
        registry.opened(id, node.getId(), group);
        // The group's service is the client's node.cluster: escaped like every client string.
        LOG.info("ADS stream {} opened by node {} (service {}, client {}, identity {})", id,
            ClientStrings.forLog(node.getId()), ClientStrings.forLog(group.service()),
            group.client(), peerName());
      } else if (!request.hasNode()) {
        request = request.toBuilder().setNode(node).build();
      }
      String type = request.getTypeUrl();
      if (request.getResponseNonce().isEmpty()) {
        if (!request.getVersionInfo().isEmpty()) {
          // A client resuming on a new stream (after a reconnect or a server restart) reports
          // the version it already runs; content-hash versions make it comparable here.
          registry.acked(id, type, request.getVersionInfo());
          String version = request.getVersionInfo();
          if (LOG.isDebugEnabled()) {
            budgeted(() -> LOG.debug("node={} resumes type={} at version={}",
                ClientStrings.forLog(node.getId()), shortType(type),
                ClientStrings.forLog(version)));
          }
        }
        return request;
      }
      Sent sent = lastSent.get(type);
      if (sent == null || !sent.nonce().equals(request.getResponseNonce())) {
        // An answer to a response that a newer one has superseded; the library ignores it too.
        return request;
      }
      if (request.hasErrorDetail()) {
        return onNack(request, sent);
      }
      metrics.acked(type);
      convergence.acked(type, request.getVersionInfo());
      registry.acked(id, type, request.getVersionInfo());
      // At 10,000 proxies a line per ACK is most of the log; the status in etcd has them.
      if (LOG.isDebugEnabled()) {
        String version = request.getVersionInfo();
        budgeted(() -> LOG.debug("ACK node={} type={} version={}",
            ClientStrings.forLog(node.getId()), shortType(type), ClientStrings.forLog(version)));
      }
      return request;
    }

    /**
     * A NACK carries the last version the client accepted, not the one it refused. Rewriting it
     * to the refused version lets the cache see the client as "up to date" and wait for a new
     * config instead of re-sending the rejected one at once (a NACK storm).
     */
    private DiscoveryRequest onNack(DiscoveryRequest request, Sent sent) {
      metrics.nacked(request.getTypeUrl());
      String detail = request.getErrorDetail().getMessage();
      registry.nacked(id, request.getTypeUrl(), sent.version(), recordable(detail));
      String stillOn = request.getVersionInfo();
      budgeted(() -> LOG.warn("NACK node={} type={} version={} (still on {}) error={}",
          ClientStrings.forLog(node.getId()), shortType(request.getTypeUrl()), sent.version(),
          ClientStrings.forLog(stillOn), ClientStrings.forLog(detail, MAX_NACK_DETAIL_LOGGED)));
      return request.toBuilder().setVersionInfo(sent.version()).build();
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

  private static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }
}
