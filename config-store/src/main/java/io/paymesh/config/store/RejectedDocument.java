package io.paymesh.config.store;

import java.util.List;
import java.util.OptionalLong;

/**
 * A document found in etcd that failed decoding or validation (it was written there by hand): a
 * damaged document. The reasons are kept so they can be logged and shown to operators.
 *
 * <p>A damaged policy document never takes anything away from proxies: when a version of the same
 * key that decodes and validates is known (seen earlier by the watcher, or found in etcd's
 * history), that last good version stays in the snapshot in its place and {@link
 * #keptModRevision} names it. Only when none is known (a key damaged since its creation, or whose
 * history is compacted away, or an endpoint registration or malformed key) is the document left
 * out.
 *
 * @param key the etcd key
 * @param modRevision the revision of the damaged version (its ETag)
 * @param errors path-qualified reasons, e.g. {@code routes[charge].timeout: required}
 * @param keptModRevision the revision of the last good version served instead, if any
 */
public record RejectedDocument(
    String key, long modRevision, List<String> errors, OptionalLong keptModRevision) {
  public RejectedDocument {
    errors = List.copyOf(errors);
    if (keptModRevision.isPresent() && keptModRevision.getAsLong() >= modRevision) {
      throw new IllegalArgumentException("the kept version " + keptModRevision.getAsLong()
          + " of " + key + " must be older than the damaged one " + modRevision);
    }
  }

  /** A damaged document with no last good version to keep. */
  public RejectedDocument(String key, long modRevision, List<String> errors) {
    this(key, modRevision, errors, OptionalLong.empty());
  }

  /** The same rejection, served with the last good version written at {@code keptModRevision}. */
  public RejectedDocument keeping(long keptModRevision) {
    return new RejectedDocument(key, modRevision, errors, OptionalLong.of(keptModRevision));
  }

  /** True when the snapshot holds no version of this document at all. */
  public boolean nothingKept() {
    return keptModRevision.isEmpty();
  }
}
