package io.paymesh.admin.policy;

import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Change;
import io.paymesh.config.store.PolicySnapshot;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The policy as it would be after a set of changes: the current snapshot with each changed
 * document replaced or removed, endpoints and rejected documents unchanged. Pure; what the plan
 * and the Gate check of a write compare against the current snapshot.
 */
final class SnapshotEdit {

  private SnapshotEdit() {}

  static PolicySnapshot apply(PolicySnapshot current, List<Change> changes) {
    Set<ResourceKey> changed = changes.stream().map(Change::key).collect(Collectors.toSet());
    PolicySnapshot.Builder builder = PolicySnapshot.builder(current.revision());
    current.resources().stream().filter(r -> !changed.contains(r.key())).forEach(builder::add);
    changes.forEach(c -> c.after().ifPresent(builder::add));
    current.endpoints().values().forEach(list -> list.forEach(builder::addEndpoint));
    current.rejected().forEach(builder::reject);
    return builder.build();
  }
}
