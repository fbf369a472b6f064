package io.paymesh.xds.ads;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits in front of java-control-plane's ADS service, both of its variants (state of the world and
 * delta), and gives each stream the protocol memory the library lacks: the node identity from the
 * first request (xDS clients may omit {@code node} afterwards, and the cache groups requests by
 * node, see {@link AdsStream}), and the variant's own memory of nonces and versions
 * ({@link StateOfTheWorldProtocol}, {@link DeltaProtocol}), so an ACK or NACK is reported with
 * its version and a NACK is not answered with the config just rejected.
 * It also authenticates each stream ({@link StreamAuthenticator}): a refused stream is closed
 * before its first request reaches the library, so nothing is ever sent on it. Every request is
 * held to {@link AdsRequestLimits} before anything else reads it, and the log lines a stream's
 * requests cause are bounded by its {@link LogBudget}; what a client wrote is logged only through
 * {@link ClientStrings}. Pushes, ACKs and NACKs are counted by type ({@link XdsMetrics}), and
 * each ACK is shown to the stream's {@link ConvergenceTracker.StreamConvergence}.
 */
public final class AdsStreamInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(AdsStreamInterceptor.class);
  private static final String STATE_OF_THE_WORLD_METHOD =
      AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod().getFullMethodName();
  private static final String DELTA_METHOD =
      AggregatedDiscoveryServiceGrpc.getDeltaAggregatedResourcesMethod().getFullMethodName();

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
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    boolean delta = method.equals(DELTA_METHOD);
    if (!delta && !method.equals(STATE_OF_THE_WORLD_METHOD)) {
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
    AdsStream stream =
        new AdsStream(streamIds.incrementAndGet(), peer, authenticator, registry, metrics);
    return observe(call, headers, next, stream,
        delta ? new DeltaProtocol(stream) : new StateOfTheWorldProtocol(stream));
  }

  /**
   * Passes the stream's messages through {@code protocol}: requests in order, each admitted
   * before the library sees it, and responses just before they are sent.
   */
  @SuppressWarnings("unchecked") // The method's message types are those of its protocol.
  private <ReqT, RespT> ServerCall.Listener<ReqT> observe(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next,
      AdsStream stream, AdsProtocol<?, ?> anyProtocol) {
    AdsProtocol<ReqT, RespT> protocol = (AdsProtocol<ReqT, RespT>) anyProtocol;
    ServerCall<ReqT, RespT> observedCall =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(RespT message) {
            if (stream.refused()) {
              return; // Closed by this interceptor: the library's late answers go nowhere.
            }
            protocol.onResponse(message);
            super.sendMessage(message);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            if (!stream.refused()) { // Then this interceptor has closed the call already.
              super.close(status, trailers);
            }
          }
        };
    return new SimpleForwardingServerCallListener<>(next.startCall(observedCall, headers)) {
      // gRPC calls a listener one callback at a time, so this needs no lock.
      private boolean refusedToLibrary;

      @Override
      public void onMessage(ReqT message) {
        if (stream.refused()) {
          return;
        }
        Optional<Status> refusal = protocol.admit(message);
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
        super.onMessage(protocol.onRequest(message));
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
}
