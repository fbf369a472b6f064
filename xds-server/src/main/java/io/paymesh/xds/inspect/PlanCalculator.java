package io.paymesh.xds.inspect;

import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.config.store.PolicyChanges;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.store.ReadLog;
import io.paymesh.xds.gate.GateViolation;
import io.paymesh.xds.inspect.ConfigDumper.GroupBuild;
import io.paymesh.xds.inspect.ConfigDumper.GroupConfig;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Plan before apply: what a policy change would do to every proxy group, resource by resource,
 * and whether it would break a group that passes the Gate today. Pure; the admin API runs it on
 * the current snapshot and the snapshot with the operator's documents applied.
 *
 * <p>It compares translations, not what proxies run: a group that fails the Gate today is
 * compared against its failing translation, not against the last good config it still serves.
 */
public final class PlanCalculator {
  /** The diff header of the side where a resource does not exist, as in {@code diff -u}. */
  private static final String NO_RESOURCE = "/dev/null";
  private static final List<String> TYPE_ORDER = List.of(
      Resources.V3.LISTENER_TYPE_URL,
      Resources.V3.ROUTE_TYPE_URL,
      Resources.V3.CLUSTER_TYPE_URL,
      Resources.V3.ENDPOINT_TYPE_URL,
      Resources.V3.SECRET_TYPE_URL);

  private final ConfigDumper dumper = new ConfigDumper();

  public enum ChangeType {
    ADDED,
    CHANGED,
    REMOVED
  }

  /**
   * One resource that differs between the two configs of a group.
   *
   * @param diff a unified diff of the resource's pretty JSON: headers name the resource and its
   *     type's version before and after ({@code /dev/null} for the side where it is absent)
   */
  public record ResourceChange(String typeUrl, String name, ChangeType type, String diff) {
    public ResourceChange {
      Objects.requireNonNull(typeUrl, "typeUrl");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(diff, "diff");
    }
  }

  /**
   * What changes for one group.
   *
   * @param changes in xDS type order (LDS, RDS, CDS, EDS, SDS), each type sorted by name
   * @param violationsAfter the Gate's verdict on the new config (empty = it would be pushed)
   * @param newlyFailing the group passes the Gate today, or its service does not exist yet, and
   *     would fail it after the change: the change would freeze that group on its current config
   *     (or leave a new service's proxies without any)
   */
  public record GroupPlan(
      ProxyGroup group,
      List<ResourceChange> changes,
      List<GateViolation> violationsAfter,
      boolean newlyFailing) {
    public GroupPlan {
      Objects.requireNonNull(group, "group");
      changes = List.copyOf(changes);
      violationsAfter = List.copyOf(violationsAfter);
    }
  }

  /**
   * Every group (each service of either snapshot, for each client family) whose resources change or
   * that would newly fail the Gate, sorted by service then family. A service missing from
   * {@code after} shows all its resources REMOVED: its proxies would be sent an empty config.
   */
  public List<GroupPlan> plan(PolicySnapshot before, PolicySnapshot after) {
    PolicyChanges changes = PolicyChanges.between(before, after);
    TreeSet<String> services = new TreeSet<>(before.services().keySet());
    services.addAll(after.services().keySet());
    // Groups are planned independently (the dumper's translator, Gate and interner are shared
    // and thread-safe), so on all cores; the ordered stream keeps service then family order.
    return services.parallelStream()
        .flatMap(service -> ProxyGroup.everyFamily(service).stream())
        .map(group -> planGroup(before, after, changes, group))
        .flatMap(Optional::stream)
        .toList();
  }

  /** The plan of one group, empty when the change leaves it as it is. */
  private Optional<GroupPlan> planGroup(
      PolicySnapshot before, PolicySnapshot after, PolicyChanges changes, ProxyGroup group) {
    boolean exists = before.services().containsKey(group.service());
    ReadLog read = new ReadLog();
    GroupBuild was = dumper.build(before, group, read);
    // A group's translation and verdict depend on nothing but what they read: if the change
    // touches none of it, the group builds the same after it and has nothing to plan (the
    // publisher rebuilds on the same rule). A service new in `after` is always built.
    if (exists && !read.touchedBy(changes)) {
      return Optional.empty();
    }
    GroupBuild will = dumper.build(after, group);
    // A group that fails today is not blamed on this change; one that passes today, or does
    // not exist yet, would be frozen on its current config (or never get one).
    boolean failingToday = exists && !was.passesGate();
    boolean newlyFailing = !will.passesGate() && !failingToday;
    // A group the change reaches may still come out the same: equal resources render the
    // same, so only groups that differ are rendered (hashed and printed as JSON).
    List<ResourceChange> resourceChanges = was.resources().equals(will.resources())
        ? List.of()
        : changes(dumper.render(was), dumper.render(will));
    return resourceChanges.isEmpty() && !newlyFailing
        ? Optional.empty()
        : Optional.of(new GroupPlan(group, resourceChanges, will.violations(), newlyFailing));
  }

  private static List<ResourceChange> changes(GroupConfig was, GroupConfig will) {
    Map<ResourceId, ResourceDump> before = byId(was.resources());
    Map<ResourceId, ResourceDump> after = byId(will.resources());
    TreeSet<ResourceId> ids = new TreeSet<>(before.keySet());
    ids.addAll(after.keySet());
    List<ResourceChange> changes = new ArrayList<>();
    for (ResourceId id : ids) {
      ResourceDump old = before.get(id);
      ResourceDump now = after.get(id);
      if (old != null && now != null && old.json().equals(now.json())) {
        continue;
      }
      ChangeType type = old == null ? ChangeType.ADDED
          : now == null ? ChangeType.REMOVED
          : ChangeType.CHANGED;
      String diff = LineDiff.unified(
          old == null ? NO_RESOURCE : label(old), old == null ? "" : old.json(),
          now == null ? NO_RESOURCE : label(now), now == null ? "" : now.json());
      changes.add(new ResourceChange(id.typeUrl(), id.name(), type, diff));
    }
    return changes;
  }

  /** e.g. {@code RouteConfiguration/payments (version 3f2a...)}. */
  private static String label(ResourceDump dump) {
    String type = dump.typeUrl().substring(dump.typeUrl().lastIndexOf('.') + 1);
    return type + "/" + dump.name() + " (version " + dump.version() + ")";
  }

  private static Map<ResourceId, ResourceDump> byId(List<ResourceDump> dumps) {
    Map<ResourceId, ResourceDump> out = new HashMap<>();
    for (ResourceDump dump : dumps) {
      out.put(new ResourceId(TYPE_ORDER.indexOf(dump.typeUrl()), dump.typeUrl(), dump.name()),
          dump);
    }
    return out;
  }

  /** Orders resources as the dump does: by xDS type, then by name. */
  private record ResourceId(int typeRank, String typeUrl, String name)
      implements Comparable<ResourceId> {
    @Override
    public int compareTo(ResourceId other) {
      int byType = Integer.compare(typeRank, other.typeRank);
      return byType != 0 ? byType : name.compareTo(other.name);
    }
  }
}
