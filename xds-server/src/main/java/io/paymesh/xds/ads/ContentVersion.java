package io.paymesh.xds.ads;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.xds.translate.GroupResources;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Versions of xDS resources derived from their content, so that a restart, a resync or a no-op
 * policy write produces the same version and Envoy is sent nothing new.
 *
 * <p>Each resource is hashed once: its digest (SHA-256 of its deterministic serialization, cut
 * to 64 bits) is remembered with its wire form for as long as the resource instance lives
 * ({@link ResourceEncoding}), and a list's version is the hash of its resources' digests. The
 * publisher hands the same instance for an unchanged or shared resource (see {@code
 * SharedResources}), so a change hashes only what it changed, and the type versions and the
 * per-resource versions of delta xDS come from the same digests.
 */
public final class ContentVersion {
  /** 16 hex characters (64 bits): collisions between two configs of one group are negligible. */
  private static final int VERSION_BYTES = 8;

  private ContentVersion() {}

  /**
   * The version of a list of resources, in the given order (callers pass them sorted by name):
   * the hash of each resource's digest in turn.
   */
  public static String of(List<? extends Message> resources) {
    MessageDigest digest = ResourceEncoding.sha256();
    ByteBuffer each = ByteBuffer.allocate(Long.BYTES);
    for (Message resource : resources) {
      each.clear();
      each.putLong(ResourceEncoding.digest(resource));
      digest.update(each.array());
    }
    return HexFormat.of().formatHex(digest.digest(), 0, VERSION_BYTES);
  }

  /** The version of one resource, as delta xDS clients hold it. */
  public static String ofResource(Message resource) {
    return HexFormat.of().toHexDigits(ResourceEncoding.digest(resource));
  }

  /**
   * The version of each resource type of a group, keyed by type URL in xDS order (LDS, RDS, CDS,
   * EDS, then SDS). The one place that turns a group's resources into versions: the snapshot
   * publisher publishes exactly these, and the admin API's config dump and plan report them, so a
   * version an operator sees can be compared with the one a proxy ACKs.
   *
   * <p>SDS is listed only when the group has secrets: a proxy asks for secrets over ADS only when
   * a cluster or listener names one, so a group without any would show an SDS version that no
   * proxy ever ACKs.
   */
  public static Map<String, String> ofGroup(GroupResources resources) {
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put(Resources.V3.LISTENER_TYPE_URL, of(resources.listeners()));
    versions.put(Resources.V3.ROUTE_TYPE_URL, of(resources.routes()));
    versions.put(Resources.V3.CLUSTER_TYPE_URL, of(resources.clusters()));
    versions.put(Resources.V3.ENDPOINT_TYPE_URL, of(resources.endpoints()));
    if (!resources.secrets().isEmpty()) {
      versions.put(Resources.V3.SECRET_TYPE_URL, of(resources.secrets()));
    }
    return Collections.unmodifiableMap(versions);
  }
}
