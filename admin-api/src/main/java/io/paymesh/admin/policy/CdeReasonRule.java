package io.paymesh.admin.policy;

import io.paymesh.admin.api.ErrorDetail;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PolicyReferences;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * PCI DSS wants every change to the cardholder data environment justified: a write that touches a
 * CDE service (before or after the change) must carry a reason, which the audit log records. A
 * Service counts as CDE when it is CDE in the current or in the proposed policy, so moving a
 * service out of the CDE needs a reason too. Security-relevant changes
 * ({@link SecurityRelevantChanges}) need a reason wherever they are.
 */
final class CdeReasonRule {

  static final String PATH = "reason";

  private CdeReasonRule() {}

  /** The error to report, if the changes touch the CDE and no reason was given. */
  static Optional<ErrorDetail> check(PolicySnapshot current, PolicySnapshot proposed,
      List<Change> changes, List<SecurityChange> security, Optional<String> reason) {
    if (reason.filter(r -> !r.isBlank()).isPresent()) {
      return Optional.empty();
    }
    SortedSet<String> touched = cdeServicesTouched(current, proposed, changes);
    security.forEach(change -> touched.addAll(change.cde()));
    if (!touched.isEmpty()) {
      return Optional.of(new ErrorDetail(PATH,
          "required: the change touches CDE service(s) " + String.join(", ", touched)
              + " (send the X-Paymesh-Reason header)"));
    }
    if (!security.isEmpty()) {
      return Optional.of(new ErrorDetail(PATH,
          "required: the change is security-relevant: " + security.get(0).summary()
              + " (send the X-Paymesh-Reason header)"));
    }
    return Optional.empty();
  }

  static SortedSet<String> cdeServicesTouched(PolicySnapshot current, PolicySnapshot proposed,
      List<Change> changes) {
    SortedSet<String> named = new TreeSet<>();
    for (Change change : changes) {
      before(current, change).ifPresent(r -> named.addAll(PolicyReferences.servicesNamed(r)));
      change.after().ifPresent(r -> named.addAll(PolicyReferences.servicesNamed(r)));
    }
    SortedSet<String> cde = new TreeSet<>();
    for (String name : named) {
      if (isCde(current, name) || isCde(proposed, name)) {
        cde.add(name);
      }
    }
    return cde;
  }

  private static Optional<PolicyResource> before(PolicySnapshot current, Change change) {
    return current.resources().stream().filter(r -> r.key().equals(change.key())).findFirst();
  }

  private static boolean isCde(PolicySnapshot snapshot, String service) {
    Service s = snapshot.services().get(service);
    return s != null && s.spec() != null && s.spec().pciScope() == PciScope.CDE;
  }
}
