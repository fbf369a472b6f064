package io.paymesh.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status;
import io.paymesh.xds.ClientStrings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delta memory of one ADS stream (DeltaAggregatedResources): which responses of each type
 * await an answer, and which resource versions the client holds that java-control-plane does not
 * know about.
 *
 * <p>The library learns what a client holds only from ACKs of its own responses. It ignores
 * {@code initial_resource_versions}, so a client reconnecting would be re-sent everything it
 * already has and never told of resources removed while it was away; and after a NACK it would
 * re-send the rejected resources of a named subscription at once. This class keeps, per type,
 * the versions the client holds beyond what the library tracks: those it named in
 * {@code initial_resource_versions} on the type's first request, and those it just refused (so
 * they count as sent until they change, as a state-of-the-world NACK does), until an ACK makes the
 * library track the name or the client unsubscribes. Every request forwarded to the library
 * carries them in its {@code initial_resource_versions} field, the protocol's own name for
 * "versions the client already has", where {@link HeldVersionsConfigWatcher} hands them to the
 * cache.
 *
 * <p>The library also fails with a NullPointerException on an ACK of a nonce it does not await
 * (a duplicate or made-up one): such a request reaches it without the nonce, as the plain
 * subscription update it then is.
 *
 * <p>Requests are delivered one at a time; responses come from the library's executor, hence the
 * concurrent map of awaited responses.
 */
final class DeltaProtocol implements AdsProtocol<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
  /** A response awaiting its ACK or NACK: its type version and what it changed. */
  private record Sent(String version, Map<String, String> resourceVersions,
      List<String> removed) {}

  private final AdsStream stream;
  /** Per type URL, by nonce, the responses not yet answered. */
  private final Map<String, Map<String, Sent>> awaited = new ConcurrentHashMap<>();
  /** Per type URL, the versions the client holds that the library does not track. */
  private final Map<String, Map<String, String>> held = new HashMap<>();

  DeltaProtocol(AdsStream stream) {
    this.stream = stream;
  }

  @Override
  public Optional<Status> admit(DeltaDiscoveryRequest request) {
    return stream.admit(AdsRequestLimits.check(request),
        request.hasNode() ? Optional.of(request.getNode()) : Optional.empty());
  }

  @Override
  public void onResponse(DeltaDiscoveryResponse response) {
    Map<String, String> versions = new HashMap<>();
    for (Resource resource : response.getResourcesList()) {
      versions.put(resource.getName(), resource.getVersion());
    }
    awaitedOf(response.getTypeUrl()).put(response.getNonce(), new Sent(
        response.getSystemVersionInfo(), versions, response.getRemovedResourcesList()));
    stream.pushed(response.getTypeUrl());
  }

  @Override
  public DeltaDiscoveryRequest onRequest(DeltaDiscoveryRequest request) {
    Node node = stream.bind(request.hasNode() ? Optional.of(request.getNode()) : Optional.empty());
    String type = request.getTypeUrl();
    DeltaDiscoveryRequest.Builder forwarded = request.toBuilder().setNode(node);
    // initial_resource_versions means something on a type's first request of a stream only.
    Map<String, String> heldOfType = held.get(type);
    if (heldOfType == null) {
      heldOfType = new HashMap<>(request.getInitialResourceVersionsMap());
      held.put(type, heldOfType);
      if (heldOfType.isEmpty()) {
        // A client that holds nothing of the type is answered; one resuming with versions may
        // already be up to date and be sent nothing.
        stream.requested(type);
      }
    }
    request.getResourceNamesUnsubscribeList().forEach(heldOfType::remove);
    if (!request.getResponseNonce().isEmpty()) {
      Sent sent = awaitedOf(type).remove(request.getResponseNonce());
      if (sent == null) {
        stream.debug("answer to nonce {} of type {}, which awaits no answer, taken as a "
            + "subscription update", ClientStrings.forLog(request.getResponseNonce()),
            AdsStream.shortType(type));
        forwarded.clearResponseNonce().clearErrorDetail();
      } else if (request.hasErrorDetail()) {
        heldOfType.putAll(sent.resourceVersions());
        stream.nacked(type, sent.version(), Optional.empty(),
            request.getErrorDetail().getMessage());
      } else {
        // From now on the library tracks these names itself.
        sent.resourceVersions().keySet().forEach(heldOfType::remove);
        sent.removed().forEach(heldOfType::remove);
        stream.acked(type, sent.version());
      }
    }
    return forwarded.clearInitialResourceVersions()
        .putAllInitialResourceVersions(heldOfType)
        .build();
  }

  private Map<String, Sent> awaitedOf(String type) {
    return awaited.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
  }
}
