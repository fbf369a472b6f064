package io.paymesh.admin.resources;

/** The request headers of this API beyond HTTP's own. */
public final class Headers {

  /** Why a change is made; recorded in the audit log, required for changes touching the CDE. */
  public static final String REASON = "X-Paymesh-Reason";

  /** A client's key for one write: a retry under the same key gets the first outcome. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** On an answer that repeats the stored outcome of an earlier request with the same key. */
  public static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

  private Headers() {}
}
