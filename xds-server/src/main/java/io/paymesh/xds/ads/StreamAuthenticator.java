package io.paymesh.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Status;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.identity.PeerIdentity;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides whether an ADS stream may be served, before anything is sent on it. On the mTLS port a
 * stream is bound to the workload identity in its client certificate: it may only claim (in
 * {@code node.cluster}) the Service whose SPIFFE ID that is. The plaintext port, which exists only
 * when the config asks for it, takes the node's claim as it is.
 */
public interface StreamAuthenticator {

  /** A refusal when the call itself may not open a stream (checked before any request). */
  Optional<Status> onCallStart(Optional<PeerIdentity> peer);

  /** A refusal when the node of the stream's first request is not what the peer may claim. */
  Optional<Status> onFirstRequest(Optional<PeerIdentity> peer, Node node);

  /**
   * Every stream's node.cluster must name the Service of the client certificate's SPIFFE ID,
   * and its node.id must be {@code <service>~<instance>} of that same service.
   */
  static StreamAuthenticator requireWorkloadCertificate(Supplier<PolicySnapshot> policy) {
    return new StreamAuthenticator() {
      @Override
      public Optional<Status> onCallStart(Optional<PeerIdentity> peer) {
        if (peer.isEmpty()) {
          return Optional.of(Status.UNAUTHENTICATED.withDescription(
              "ADS requires a client certificate with a SPIFFE ID issued by the mesh CA"));
        }
        return Optional.empty();
      }

      @Override
      public Optional<Status> onFirstRequest(Optional<PeerIdentity> peer, Node node) {
        String claimed = ProxyGroups.groupOf(node).service();
        PolicySnapshot current = policy.get();
        if (current == null) {
          return Optional.of(Status.UNAVAILABLE.withDescription(
              "no policy has been read yet; try again"));
        }
        Service service = current.services().get(claimed);
        String presented = peer.orElseThrow().spiffeId();
        // The node id names the proxy's status record in etcd: it must be one of this
        // service's, or a client could overwrite the record of another service's proxy.
        boolean ownNodeId = node.getId().startsWith(claimed + ProxyGroups.NODE_ID_SEPARATOR);
        if (service == null || !service.spec().identity().equals(presented) || !ownNodeId) {
          // The same answer whether the service is unknown or someone else's: a client learns
          // nothing about which services exist.
          String shown = ClientStrings.forLog(claimed);
          return Optional.of(Status.PERMISSION_DENIED.withDescription(
              "the client certificate's identity may not receive the configuration of service "
                  + shown + " (node.id must be " + shown + "~<instance>)"));
        }
        return Optional.empty();
      }
    };
  }

  /** The plaintext port: no client authentication at all (development and tests only). */
  static StreamAuthenticator trustNodeClaims() {
    return new StreamAuthenticator() {
      @Override
      public Optional<Status> onCallStart(Optional<PeerIdentity> peer) {
        return Optional.empty();
      }

      @Override
      public Optional<Status> onFirstRequest(Optional<PeerIdentity> peer, Node node) {
        return Optional.empty();
      }
    };
  }
}
