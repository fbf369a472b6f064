package io.paymesh.xds.ads;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;
import com.google.protobuf.Message;
import io.paymesh.xds.translate.GroupResources;
import java.util.List;

/**
 * One instance of each distinct resource across all groups. Many groups carry equal resources:
 * the cluster and load assignment of a service in the group of every caller, and the same route
 * configuration in every client family that takes it. Translation builds each group's afresh;
 * handing them through here keeps one copy of each on the heap, held as long as some group's
 * snapshot holds it (a weak interner: nothing to release by hand), and lets the Gate's
 * per-resource checks recognise a resource they have already passed by its identity.
 *
 * <p>Equality is protobuf's (field by field; the hash is computed once per message and kept in
 * it), so interning never merges resources that differ.
 */
public final class SharedResources {
  private final Interner<Message> interner = Interners.newWeakInterner();

  /** The same resources, each replaced by the one equal instance already held, if any. */
  public GroupResources share(GroupResources resources) {
    return new GroupResources(
        share(resources.listeners()),
        share(resources.routes()),
        share(resources.clusters()),
        share(resources.endpoints()),
        share(resources.secrets()));
  }

  @SuppressWarnings("unchecked") // An interned message equals the argument, so it is its type.
  <T extends Message> List<T> share(List<T> messages) {
    return messages.stream().map(m -> (T) interner.intern(m)).toList();
  }
}
