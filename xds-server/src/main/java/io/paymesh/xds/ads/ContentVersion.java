package io.paymesh.xds.ads;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.xds.translate.GroupResources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Versions of xDS resources derived from their content, so that a restart, a resync or a no-op
 * policy write produces the same version and Envoy is sent nothing new.
 */
public final class ContentVersion {
  /** 16 hex characters (64 bits): collisions between two configs of one group are negligible. */
  private static final int VERSION_BYTES = 8;

  private ContentVersion() {}

  /**
   * Hash of the resources in the given order (callers pass them sorted by name). Serialization is
   * deterministic so map fields (metadata, typed_per_filter_config) hash the same every time.
   */
  public static String of(List<? extends Message> resources) {
    MessageDigest digest = sha256();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try {
      for (Message resource : resources) {
        buffer.reset();
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        out.useDeterministicSerialization();
        // Length-prefix each resource so that [ab, c] and [a, bc] cannot hash alike.
        out.writeUInt32NoTag(resource.getSerializedSize());
        resource.writeTo(out);
        out.flush();
        digest.update(buffer.toByteArray());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("serializing to memory cannot fail", e);
    }
    byte[] hash = digest.digest();
    return HexFormat.of().formatHex(hash, 0, VERSION_BYTES);
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
