package io.paymesh.admin.resources;

import io.paymesh.admin.policy.PolicyDocuments;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.Precondition;
import java.util.List;

/**
 * The changes of a plan or apply bundle. Bundles are declarative ("make the policy look like
 * this"), so each document is written whatever its current revision; the commit is still one
 * transaction that compares the revisions it read (Precondition.Any retries on a race).
 */
final class BundleChanges {

  private BundleChanges() {}

  static List<Change> of(PolicyDocuments.Bundle bundle) {
    return bundle.documents().stream().map(d -> Change.put(d, new Precondition.Any())).toList();
  }
}
