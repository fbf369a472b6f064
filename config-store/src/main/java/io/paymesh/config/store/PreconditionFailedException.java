package io.paymesh.config.store;

import io.paymesh.config.model.ResourceKey;

/** A document was not in the state a change expected (HTTP 412); nothing was written. */
public final class PreconditionFailedException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ResourceKey key;
  private final transient Precondition expected;
  private final long actualModRevision;

  /** @param actualModRevision the document's current mod revision, 0 if it does not exist */
  public PreconditionFailedException(ResourceKey key, Precondition expected, long actualModRevision) {
    super(key + ": expected " + describe(expected) + ", but "
        + (actualModRevision == 0 ? "it does not exist" : "it is at revision " + actualModRevision));
    this.key = key;
    this.expected = expected;
    this.actualModRevision = actualModRevision;
  }

  public ResourceKey key() {
    return key;
  }

  public Precondition expected() {
    return expected;
  }

  /** The current mod revision; 0 = the document does not exist. */
  public long actualModRevision() {
    return actualModRevision;
  }

  private static String describe(Precondition expected) {
    if (expected instanceof Precondition.Revision revision) {
      return "revision " + revision.modRevision();
    } else if (expected instanceof Precondition.Absent) {
      return "no document";
    } else if (expected instanceof Precondition.Any) {
      return "any state";
    }
    throw new AssertionError("unhandled precondition " + expected);
  }
}
