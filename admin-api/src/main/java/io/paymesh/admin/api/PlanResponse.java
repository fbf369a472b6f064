package io.paymesh.admin.api;

import java.util.List;

/**
 * What a set of changes would do, without doing it: whether it would be accepted ({@code valid};
 * if not, {@code errors} are exactly the 422 errors apply would return), each document's
 * operation, and per affected proxy group the Envoy resources added, changed and removed.
 *
 * @param revision the etcd revision of the policy the plan was computed against
 * @param securityChanges the security-relevant parts of the change (they need the
 *     security-admin role and a reason)
 * @param approvalRequired true if a write would be proposed and wait for a second security
 *     admin's approval instead of being committed (four-eyes)
 */
public record PlanResponse(long revision, boolean valid, List<ErrorDetail> errors,
    List<DocumentChange> documents, List<GroupPlan> groups, List<String> securityChanges,
    boolean approvalRequired) {

  public PlanResponse {
    errors = List.copyOf(errors);
    documents = List.copyOf(documents);
    groups = List.copyOf(groups);
    securityChanges = List.copyOf(securityChanges);
  }

  /** One document of the request and what would happen to it: CREATE, UPDATE, DELETE, UNCHANGED. */
  public record DocumentChange(String kind, String name, String operation) {}

  /** One proxy group (service x form) whose resources would change. */
  public record GroupPlan(String service, String client, String form, boolean newlyFailing,
      List<Violation> violationsAfter, List<ResourceChange> changes) {}

  /** A Gate violation the group would have after the change. */
  public record Violation(String resource, String invariant, String message) {}

  /** One Envoy resource: ADDED, CHANGED or REMOVED, with a unified diff of its JSON. */
  public record ResourceChange(String typeUrl, String name, String type, String diff) {}
}
