package io.paymesh.admin.resources;

/** The request headers of this API beyond HTTP's own. */
public final class Headers {

  /** Why a change is made; recorded in the audit log, required for changes touching the CDE. */
  public static final String REASON = "X-Paymesh-Reason";

  private Headers() {}
}
