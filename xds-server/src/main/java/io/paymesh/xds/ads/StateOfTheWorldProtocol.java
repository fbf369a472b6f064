package io.paymesh.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state-of-the-world memory of one ADS stream (StreamAggregatedResources): which version each
 * type's last nonce carried, so an ACK or NACK can be reported with its version and a NACK can be
 * marked as rejecting that version, and which names each type's last request subscribed to.
 * Requests are delivered one at a time; responses come from the library's executor, hence the
 * concurrent map.
 */
final class StateOfTheWorldProtocol implements AdsProtocol<DiscoveryRequest, DiscoveryResponse> {
  /** The last response sent for a type: only a request echoing its nonce is an ACK or NACK. */
  private record Sent(String nonce, String version) {}

  private final AdsStream stream;
  private final Map<String, Sent> lastSent = new ConcurrentHashMap<>();
  /** Per type URL, the names the last request subscribed to (gRPC delivers them in order). */
  private final Map<String, Set<String>> subscribed = new HashMap<>();

  StateOfTheWorldProtocol(AdsStream stream) {
    this.stream = stream;
  }

  @Override
  public Optional<Status> admit(DiscoveryRequest request) {
    return stream.admit(AdsRequestLimits.check(request),
        request.hasNode() ? Optional.of(request.getNode()) : Optional.empty());
  }

  @Override
  public void onResponse(DiscoveryResponse response) {
    lastSent.put(response.getTypeUrl(), new Sent(response.getNonce(), response.getVersionInfo()));
    stream.pushed(response.getTypeUrl());
  }

  @Override
  public DiscoveryRequest onRequest(DiscoveryRequest request) {
    DiscoveryRequest recorded = record(request);
    boolean subscribesToNewNames = subscribe(recorded);
    // A NACK keeps the version it was rewritten to: answering it would resend what failed.
    if (subscribesToNewNames && !recorded.hasErrorDetail()) {
      stream.requested(recorded.getTypeUrl());
      return recorded.toBuilder().clearVersionInfo().build();
    }
    return recorded;
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
    Node node = stream.bind(request.hasNode() ? Optional.of(request.getNode()) : Optional.empty());
    if (request.getNode() != node) {
      // Every request goes on with the one node instance the stream is bound to: a client may
      // omit it after the first request, and one that repeats it (Envoy does by default) would
      // otherwise leave a copy of its node in each type's watch, 10,000 streams times four.
      request = request.toBuilder().setNode(node).build();
    }
    String type = request.getTypeUrl();
    if (request.getResponseNonce().isEmpty()) {
      if (request.getVersionInfo().isEmpty()) {
        stream.requested(type);
      } else {
        stream.resumed(type, request.getVersionInfo());
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
    stream.acked(type, request.getVersionInfo());
    return request;
  }

  /**
   * A NACK carries the last version the client accepted, not the one it refused. Rewriting it
   * to the refused version lets the cache see the client as "up to date" and wait for a new
   * config instead of re-sending the rejected one at once (a NACK storm).
   */
  private DiscoveryRequest onNack(DiscoveryRequest request, Sent sent) {
    stream.nacked(request.getTypeUrl(), sent.version(), Optional.of(request.getVersionInfo()),
        request.getErrorDetail().getMessage());
    return request.toBuilder().setVersionInfo(sent.version()).build();
  }
}
