package io.paymesh.admin.resources;

import io.paymesh.admin.errors.ApiException;
import jakarta.ws.rs.core.EntityTag;
import java.util.Optional;

/**
 * ETags are a document's etcd mod_revision, quoted: {@code "42"}. A weak tag is accepted (a proxy
 * may have weakened it) since the revision identifies the exact bytes either way.
 */
final class ETags {

  static final String ANY = "*";

  private ETags() {}

  static EntityTag of(long modRevision) {
    return new EntityTag(Long.toString(modRevision));
  }

  static String header(long modRevision) {
    return "\"" + modRevision + "\"";
  }

  /** The revision of an If-Match header; empty when the header is absent. */
  static Optional<Long> revision(String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank()) {
      return Optional.empty();
    }
    String tag = ifMatch.strip();
    if (tag.startsWith("W/")) {
      tag = tag.substring(2);
    }
    if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
      tag = tag.substring(1, tag.length() - 1);
    }
    try {
      long revision = Long.parseLong(tag);
      if (revision > 0) {
        return Optional.of(revision);
      }
    } catch (NumberFormatException e) {
      // fall through: reported below without echoing the header
    }
    throw ApiException.badRequest("If-Match must be one ETag from a GET, e.g. \"42\"");
  }

  /** Whether If-None-Match asks for create-only; any other value is refused. */
  static boolean createOnly(String ifNoneMatch) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
      return false;
    }
    if (ifNoneMatch.strip().equals(ANY)) {
      return true;
    }
    throw ApiException.badRequest("If-None-Match supports only * (create only)");
  }
}
