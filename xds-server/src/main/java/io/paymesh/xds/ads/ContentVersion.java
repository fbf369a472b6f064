package io.paymesh.xds.ads;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
