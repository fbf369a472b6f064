package io.paymesh.xds.ads;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of java-control-plane's ADS service and gives each stream the protocol memory the
 * library lacks: the node identity from the first request (xDS clients may omit {@code node}
 * afterwards, and the cache groups requests by node), and which version each nonce carried, so an
 * ACK or NACK can be logged with its version and a NACK can be marked as rejecting that version.
 */
public final class AdsStreamInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AdsStreamInterceptor.class);
  private static final String ADS_METHOD =
      AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getFullMethodName();

  private final ProxyStatusRegistry registry;
  private final Counter acks;
  private final Counter nacks;
  private final AtomicLong streamIds = new AtomicLong();

  public AdsStreamInterceptor(ProxyStatusRegistry registry, MetricRegistry metrics) {
    this.registry = registry;
    this.acks = metrics.counter("xds.acks");
    this.nacks = metrics.counter("xds.nacks");
  }

  @Override
  @SuppressWarnings("unchecked") // The ADS method's message types are fixed by ADS_METHOD.
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!call.getMethodDescriptor().getFullMethodName().equals(ADS_METHOD)) {
      return next.startCall(call, headers);
    }
    Stream stream = new Stream(streamIds.incrementAndGet());
    ServerCall<ReqT, RespT> observedCall =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(RespT message) {
            stream.onResponse((DiscoveryResponse) message);
            super.sendMessage(message);
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(observedCall, headers)) {
      @Override
      public void onMessage(ReqT message) {
        super.onMessage((ReqT) stream.onRequest((DiscoveryRequest) message));
      }

      @Override
      public void onCancel() {
        stream.closed();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        stream.closed();
        super.onComplete();
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
    private final Map<String, Sent> lastSent = new ConcurrentHashMap<>();
    private volatile Node node;

    Stream(long id) {
      this.id = id;
    }

    void onResponse(DiscoveryResponse response) {
      lastSent.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
    }

    DiscoveryRequest onRequest(DiscoveryRequest request) {
      if (node == null) {
        if (!request.hasNode()) {
          LOG.warn("ADS stream {}: first request carries no node; it cannot be served", id);
          return request;
        }
        node = request.getNode();
        registry.opened(id, node.getId(), ProxyGroups.groupOf(node));
        LOG.info("ADS stream {} opened by node {} (group {})", id, node.getId(),
            ProxyGroups.groupOf(node));
      } else if (!request.hasNode()) {
        request = request.toBuilder().setNode(node).build();
      }
      String type = request.getTypeUrl();
      if (request.getResponseNonce().isEmpty()) {
        if (!request.getVersionInfo().isEmpty()) {
          // A client resuming on a new stream (after a reconnect or a server restart) reports
          // the version it already runs; content-hash versions make it comparable here.
          registry.acked(id, type, request.getVersionInfo());
          LOG.info("node={} resumes type={} at version={}", node.getId(), shortType(type),
              request.getVersionInfo());
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
      acks.inc();
      registry.acked(id, type, request.getVersionInfo());
      LOG.info("ACK node={} type={} version={}", node.getId(), shortType(type),
          request.getVersionInfo());
      return request;
    }

    /**
     * A NACK carries the last version the client accepted, not the one it refused. Rewriting it
     * to the refused version lets the cache see the client as "up to date" and wait for a new
     * config instead of re-sending the rejected one at once (a NACK storm).
     */
    private DiscoveryRequest onNack(DiscoveryRequest request, Sent sent) {
      nacks.inc();
      String detail = request.getErrorDetail().getMessage();
      registry.nacked(id, request.getTypeUrl(), sent.version(), detail);
      LOG.warn("NACK node={} type={} version={} (still on {}) error={}", node.getId(),
          shortType(request.getTypeUrl()), sent.version(), request.getVersionInfo(), detail);
      return request.toBuilder().setVersionInfo(sent.version()).build();
    }

    void closed() {
      registry.closed(id);
      LOG.info("ADS stream {} of node {} closed", id, node == null ? "?" : node.getId());
    }
  }

  private static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }
}
