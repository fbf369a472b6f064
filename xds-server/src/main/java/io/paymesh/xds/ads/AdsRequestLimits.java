package io.paymesh.xds.ads;

import com.google.common.base.Utf8;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Status;
import io.paymesh.xds.ClientStrings;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * What one ADS request may carry before anything else reads it: bounded sizes for every string
 * a client chooses (they end up in logs, in the status records in etcd and in the snapshot
 * cache's keys), and a type URL paymesh serves (java-control-plane fails with a
 * NullPointerException on any other). A refusal names the field and the limit, never the value.
 * A NACK's error detail is not limited here (a real client may write a long one; refusing it
 * would only make the client reconnect and NACK again): it is shortened where it is kept.
 * The limits are documented in docs/xds-server.md ("Request limits").
 */
public final class AdsRequestLimits {
  /** Envoy node ids are pod names or {@code <service>~<pod>}; Kubernetes caps names at 253. */
  public static final int MAX_NODE_ID_BYTES = 256;
  /** node.cluster names a Service: at most 63 characters in practice. */
  public static final int MAX_NODE_CLUSTER_BYTES = 256;
  /** Envoy's own metadata (istio-style labels included) is a few KiB. */
  public static final int MAX_NODE_METADATA_BYTES = 16 * 1024;
  /**
   * Everything in the node together; Envoy lists its compiled-in extensions there (several
   * hundred names), which stays far below this.
   */
  public static final int MAX_NODE_BYTES = 256 * 1024;
  /** The largest service has a few dozen clusters; 10,000 names is far beyond any real one. */
  public static final int MAX_RESOURCE_NAMES = 10_000;
  public static final int MAX_RESOURCE_NAME_BYTES = 1024;
  /** A version and a nonce are ones this server sent: content hashes and counters. */
  public static final int MAX_VERSION_OR_NONCE_BYTES = 1024;

  private static final Set<String> SERVED_TYPE_URLS = Set.copyOf(Resources.V3.TYPE_URLS);

  private AdsRequestLimits() {}

  /**
   * An {@code INVALID_ARGUMENT} status when a state-of-the-world request exceeds a limit or asks
   * for no type.
   */
  public static Optional<Status> check(DiscoveryRequest request) {
    return checkNode(request.hasNode(), request.getNode())
        .or(() -> checkNames("resource_names", request.getResourceNamesCount(),
            request::getResourceNames))
        .or(() -> atMost("version_info", utf8Bytes(request.getVersionInfo()),
            MAX_VERSION_OR_NONCE_BYTES))
        .or(() -> atMost("response_nonce", utf8Bytes(request.getResponseNonce()),
            MAX_VERSION_OR_NONCE_BYTES))
        .or(() -> checkTypeUrl(request.getTypeUrl()))
        .map(Status.INVALID_ARGUMENT::withDescription);
  }

  /**
   * The same for a delta request: its subscribed and unsubscribed names are held to the limits of
   * resource_names, and the names of initial_resource_versions too, their versions to those of a
   * version.
   */
  public static Optional<Status> check(DeltaDiscoveryRequest request) {
    return checkNode(request.hasNode(), request.getNode())
        .or(() -> checkNames("resource_names_subscribe",
            request.getResourceNamesSubscribeCount(), request::getResourceNamesSubscribe))
        .or(() -> checkNames("resource_names_unsubscribe",
            request.getResourceNamesUnsubscribeCount(), request::getResourceNamesUnsubscribe))
        .or(() -> checkInitialResourceVersions(request.getInitialResourceVersionsMap()))
        .or(() -> atMost("response_nonce", utf8Bytes(request.getResponseNonce()),
            MAX_VERSION_OR_NONCE_BYTES))
        .or(() -> checkTypeUrl(request.getTypeUrl()))
        .map(Status.INVALID_ARGUMENT::withDescription);
  }

  private static Optional<String> checkNode(boolean present, Node node) {
    if (!present) {
      return Optional.empty();
    }
    // The named fields first, so that the refusal names the one that is too large; the whole
    // node bounds everything else a client may put in it.
    return atMost("node.id", utf8Bytes(node.getId()), MAX_NODE_ID_BYTES)
        .or(() -> atMost("node.cluster", utf8Bytes(node.getCluster()), MAX_NODE_CLUSTER_BYTES))
        .or(() -> atMost("node.metadata", node.getMetadata().getSerializedSize(),
            MAX_NODE_METADATA_BYTES))
        .or(() -> atMost("node", node.getSerializedSize(), MAX_NODE_BYTES));
  }

  /**
   * A list of resource names: how many, and how long each. Every request of every stream passes
   * here, so a name within the limit costs no allocation: the field is named only in a refusal.
   */
  private static Optional<String> checkNames(String field, int count, IntFunction<String> name) {
    return atMostNames(field, count).or(() -> {
      for (int i = 0; i < count; i++) {
        int bytes = utf8Bytes(name.apply(i));
        if (bytes > MAX_RESOURCE_NAME_BYTES) {
          return atMost(field + "[" + i + "]", bytes, MAX_RESOURCE_NAME_BYTES);
        }
      }
      return Optional.empty();
    });
  }

  /**
   * The names and versions a delta client says it holds. A name is not quoted (the client chose
   * it), so a long one is pointed at by its size alone.
   */
  private static Optional<String> checkInitialResourceVersions(Map<String, String> versions) {
    String field = "initial_resource_versions";
    return atMostNames(field, versions.size()).or(() -> {
      for (Map.Entry<String, String> entry : versions.entrySet()) {
        Optional<String> tooLong = atMost(field + " name", utf8Bytes(entry.getKey()),
            MAX_RESOURCE_NAME_BYTES)
            .or(() -> atMost(field + " version", utf8Bytes(entry.getValue()),
                MAX_VERSION_OR_NONCE_BYTES));
        if (tooLong.isPresent()) {
          return tooLong;
        }
      }
      return Optional.empty();
    });
  }

  private static Optional<String> atMostNames(String field, int count) {
    return count > MAX_RESOURCE_NAMES
        ? Optional.of(field + ": at most " + MAX_RESOURCE_NAMES + " names in one request, got "
            + count)
        : Optional.empty();
  }

  /**
   * The UTF-8 size of a string field as the client sent it, counted without encoding it again
   * ({@code getXBytes()} would allocate a copy on every request: the message holds the string).
   */
  private static int utf8Bytes(String s) {
    try {
      return Utf8.encodedLength(s);
    } catch (IllegalArgumentException unpairedSurrogate) {
      // Not from the wire (protobuf refuses invalid UTF-8 there): encoded as protobuf would.
      return s.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  private static Optional<String> checkTypeUrl(String typeUrl) {
    if (typeUrl.isEmpty()) {
      return Optional.of("type_url: is required on an ADS stream");
    }
    if (!SERVED_TYPE_URLS.contains(typeUrl)) {
      // Quoted (escaped and truncated): the client must see which of its requests this was.
      return Optional.of("type_url: unknown type URL " + ClientStrings.quoted(typeUrl));
    }
    return Optional.empty();
  }

  /** Sizes are UTF-8 bytes as sent, so a limit cannot be stretched with multi-byte characters. */
  private static Optional<String> atMost(String field, int bytes, int limit) {
    return bytes > limit
        ? Optional.of(field + ": must be at most " + limit + " bytes, got " + bytes)
        : Optional.empty();
  }
}
