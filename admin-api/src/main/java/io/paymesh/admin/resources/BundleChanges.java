package io.paymesh.admin.resources;

import io.paymesh.admin.policy.PolicyDocuments;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.Precondition;
import java.util.List;

/**
 * The changes of a plan or apply bundle. Bundles are declarative ("make the policy look like
 * this"): a document is written whatever its current revision unless the bundle guards it with
 * an expected revision (the bundle's If-Match, which paymeshctl sends for every document it
 * planned against), so a change made after the caller's plan refuses the bundle (412) instead of
 * being overwritten. The commit is one transaction either way (Precondition.Any retries on a
 * race).
 */
final class BundleChanges {

  private BundleChanges() {}

  static List<Change> of(PolicyDocuments.Bundle bundle) {
    return bundle.documents().stream()
        .map(d -> Change.put(d, precondition(bundle.expectedRevisions().get(d.key()))))
        .toList();
  }

  private static Precondition precondition(Long expected) {
    if (expected == null) {
      return new Precondition.Any();
    }
    return expected == 0 ? new Precondition.Absent() : new Precondition.Revision(expected);
  }
}
