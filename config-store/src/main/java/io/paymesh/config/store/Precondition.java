package io.paymesh.config.store;

/**
 * What a writer expects of one document before its change may apply, checked inside the commit's
 * etcd transaction. {@link Revision} is the admin API's {@code If-Match} ETag, {@link Absent} its
 * {@code If-None-Match: *}.
 */
public sealed interface Precondition {

  /** No expectation; the change is still applied atomically against the version it read. */
  record Any() implements Precondition {}

  /** The document must not exist: create only. */
  record Absent() implements Precondition {}

  /** The document must exist at exactly this mod revision. */
  record Revision(long modRevision) implements Precondition {
    public Revision {
      if (modRevision <= 0) {
        throw new IllegalArgumentException("a stored document's mod revision is positive: "
            + modRevision);
      }
    }
  }
}
