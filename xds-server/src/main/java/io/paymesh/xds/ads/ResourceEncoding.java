package io.paymesh.xds.ads;

import com.google.common.collect.MapMaker;
import com.google.protobuf.Any;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnsafeByteOperations;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each resource instance serialized once, for both of its uses: the digest its content version
 * is made from ({@link ContentVersion}) and the {@code Any} it travels in on every response.
 *
 * <p>One resource instance goes out on many streams: the ten proxies of a group get the same
 * snapshot, and resources equal across groups are one shared instance ({@code
 * SharedResources}). java-control-plane's default serializer packs a resource again for every
 * response, which at 10,000 streams was an eighth of the replica's CPU while proxies connected.
 * Here the deterministic serialization that the digest needs is also the wire form (a valid
 * protobuf encoding; map entries in key order), packed once and remembered for as long as the
 * instance lives: the memory is by identity and weak, so a resource no snapshot holds any more
 * is forgotten with it. A protobuf message is immutable, so its encoding never goes stale.
 */
public final class ResourceEncoding {
  /** What a resource instance's deterministic serialization gives. */
  private record Encoded(long digest, Any packed) {}

  private static final Map<Message, Encoded> BY_INSTANCE = new MapMaker().weakKeys().makeMap();
  /** Type URLs by message type, so the many {@code Any}s of one type share one string. */
  private static final Map<Descriptor, String> TYPE_URLS = new ConcurrentHashMap<>();
  private static final String TYPE_URL_PREFIX = "type.googleapis.com/";

  /**
   * The serializer the ADS server packs responses with. It serves v3 only (paymesh has no v2
   * API), so the API version does not change the packing.
   */
  public static final ProtoResourcesSerializer SERIALIZER =
      (Message resource, ApiVersion apiVersion) -> packed(resource);

  private ResourceEncoding() {}

  /** The first 64 bits of the SHA-256 of the resource's deterministic serialization. */
  static long digest(Message resource) {
    return encoded(resource).digest();
  }

  /** The resource packed in an {@code Any}, as {@code Any.pack} would, from the same bytes. */
  static Any packed(Message resource) {
    return encoded(resource).packed();
  }

  private static Encoded encoded(Message resource) {
    Encoded known = BY_INSTANCE.get(resource);
    if (known != null) {
      return known;
    }
    // Two threads may encode the same new instance at once; both results are equal.
    Encoded made = encode(resource);
    BY_INSTANCE.put(resource, made);
    return made;
  }

  private static Encoded encode(Message resource) {
    byte[] bytes = deterministicBytes(resource);
    long digest = ByteBuffer.wrap(sha256().digest(bytes)).getLong();
    Any packed = Any.newBuilder()
        .setTypeUrl(TYPE_URLS.computeIfAbsent(
            resource.getDescriptorForType(), type -> TYPE_URL_PREFIX + type.getFullName()))
        // The array is never written again: wrapping it saves a copy of every resource.
        .setValue(UnsafeByteOperations.unsafeWrap(bytes))
        .build();
    return new Encoded(digest, packed);
  }

  /** Deterministic serialization, so map fields (metadata, typed_per_filter_config) hash alike. */
  private static byte[] deterministicBytes(Message resource) {
    byte[] bytes = new byte[resource.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      resource.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("serializing to memory cannot fail", e);
    }
    return bytes;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
