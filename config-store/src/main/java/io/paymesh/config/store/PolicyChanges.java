package io.paymesh.config.store;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RouteTable;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * What differs between two snapshots, per {@link PolicyInput} and name: the names added, removed
 * or changed, and for the derived lookups the keys whose answer may differ (a changed RouteTable
 * changes the lookup of its old and its new host).
 */
public final class PolicyChanges {
  private final Map<PolicyInput, Set<String>> names = new EnumMap<>(PolicyInput.class);
  private final Set<PolicyInput> changedWhole = EnumSet.noneOf(PolicyInput.class);
  /** Worked out once the changes are complete (see {@link #changedInputs}). */
  private Set<PolicyInput> changedInputs;

  private PolicyChanges() {}

  public static PolicyChanges between(PolicySnapshot before, PolicySnapshot after) {
    PolicyChanges changes = new PolicyChanges();
    changes.compare(PolicyInput.SERVICE, before.services(), after.services());
    changes.compare(PolicyInput.PROCESSOR, before.processors(), after.processors());
    Set<String> tables =
        changes.compare(PolicyInput.ROUTE_TABLE, before.routeTables(), after.routeTables());
    changes.derive(PolicyInput.ROUTE_TABLE_FOR_HOST, tables, before.routeTables(),
        after.routeTables(), (RouteTable t) -> t.spec().host());
    Set<String> authorizations = changes.compare(PolicyInput.AUTHORIZATION_POLICY,
        before.authorizationPolicies(), after.authorizationPolicies());
    changes.derive(PolicyInput.AUTHORIZATION_POLICIES_FOR_SERVICE, authorizations,
        before.authorizationPolicies(), after.authorizationPolicies(),
        (AuthorizationPolicy p) -> p.spec().service());
    Set<String> peers = changes.compare(PolicyInput.PEER_AUTHENTICATION,
        before.peerAuthentications(), after.peerAuthentications());
    changes.derive(PolicyInput.PEER_AUTHENTICATIONS_FOR_SERVICE, peers,
        before.peerAuthentications(), after.peerAuthentications(),
        (PeerAuthentication p) -> p.spec().service());
    Set<String> jwts = changes.compare(PolicyInput.REQUEST_AUTHENTICATION,
        before.requestAuthentications(), after.requestAuthentications());
    changes.derive(PolicyInput.REQUEST_AUTHENTICATIONS_FOR_SERVICE, jwts,
        before.requestAuthentications(), after.requestAuthentications(),
        (RequestAuthentication r) -> r.spec().service());
    Set<String> limits = changes.compare(PolicyInput.RATE_LIMIT_POLICY,
        before.rateLimitPolicies(), after.rateLimitPolicies());
    changes.derive(PolicyInput.RATE_LIMIT_POLICIES_FOR_SERVICE, limits,
        before.rateLimitPolicies(), after.rateLimitPolicies(),
        (RateLimitPolicy r) -> r.spec().service());
    Set<String> gateways =
        changes.compare(PolicyInput.GATEWAY, before.gateways(), after.gateways());
    changes.derive(PolicyInput.GATEWAYS_FOR_SERVICE, gateways, before.gateways(),
        after.gateways(), (Gateway g) -> g.spec().service());
    if (!before.sensitiveHeaders().equals(after.sensitiveHeaders())) {
      changes.changedWhole.add(PolicyInput.SENSITIVE_HEADERS);
    }
    changes.compare(PolicyInput.ENDPOINTS, before.endpoints(), after.endpoints());
    if (!before.rejected().equals(after.rejected())) {
      changes.changedWhole.add(PolicyInput.REJECTED);
    }
    if (before.revision() != after.revision()) {
      changes.changedWhole.add(PolicyInput.REVISION);
    }
    return changes;
  }

  /** Everything changed: what a reader that has never read compares against. */
  public static PolicyChanges everything() {
    PolicyChanges changes = new PolicyChanges();
    changes.changedWhole.addAll(Set.of(PolicyInput.values()));
    return changes;
  }

  /** The inputs of which anything changed. */
  Set<PolicyInput> changedInputs() {
    if (changedInputs == null) {
      Set<PolicyInput> changed = EnumSet.copyOf(changedWhole);
      names.forEach((input, entries) -> {
        if (!entries.isEmpty()) {
          changed.add(input);
        }
      });
      changedInputs = Collections.unmodifiableSet(changed);
    }
    return changedInputs;
  }

  /** Whether anything of {@code input} changed. */
  public boolean any(PolicyInput input) {
    return changedWhole.contains(input) || !names.getOrDefault(input, Set.of()).isEmpty();
  }

  /** Whether {@code input} changed as a whole (every entry may read differently). */
  boolean changedWhole(PolicyInput input) {
    return changedWhole.contains(input);
  }

  /** The entries of {@code input} that may read differently (see {@link #changedWhole}). */
  Set<String> changedNames(PolicyInput input) {
    return names.getOrDefault(input, Set.of());
  }

  /**
   * The names added, removed or changed between two maps of one kind. Both are sorted by name, so
   * they are walked side by side: at 1,000 services an endpoint change compares 1,000 entries
   * (mostly the same instances), and a lookup per entry was most of a publish's cost.
   */
  private <V> Set<String> compare(
      PolicyInput input, SortedMap<String, V> before, SortedMap<String, V> after) {
    if (before == after) {
      // A snapshot made from its predecessor shares the map of every kind the change left alone.
      names.put(input, Set.of());
      return Set.of();
    }
    if (before.comparator() != null || after.comparator() != null) {
      throw new IllegalArgumentException(input + ": snapshot maps are sorted by name");
    }
    Set<String> changed = new HashSet<>();
    Iterator<Map.Entry<String, V>> was = before.entrySet().iterator();
    Iterator<Map.Entry<String, V>> is = after.entrySet().iterator();
    Map.Entry<String, V> old = next(was);
    Map.Entry<String, V> now = next(is);
    while (old != null || now != null) {
      int order = old == null ? 1 : now == null ? -1 : byName(old.getKey(), now.getKey());
      if (order < 0) {
        changed.add(old.getKey()); // removed
        old = next(was);
      } else if (order > 0) {
        changed.add(now.getKey()); // added
        now = next(is);
      } else {
        // The watcher keeps the decoded entry of an unchanged key, so most compare by identity.
        if (old.getValue() != now.getValue() && !Objects.equals(old.getValue(), now.getValue())) {
          changed.add(now.getKey());
        }
        old = next(was);
        now = next(is);
      }
    }
    names.put(input, changed);
    return changed;
  }

  /** Names in map order; a map made from another keeps its key instances. */
  private static int byName(String a, String b) {
    return a == b ? 0 : a.compareTo(b);
  }

  private static <E> E next(Iterator<E> entries) {
    return entries.hasNext() ? entries.next() : null;
  }

  /** The keys of a derived lookup whose answer may differ: those of both versions. */
  private <V> void derive(PolicyInput input, Set<String> changed, Map<String, V> before,
      Map<String, V> after, Function<V, String> key) {
    Set<String> keys = new HashSet<>();
    for (String name : changed) {
      V was = before.get(name);
      V is = after.get(name);
      if (was != null) {
        keys.add(key.apply(was));
      }
      if (is != null) {
        keys.add(key.apply(is));
      }
    }
    names.put(input, keys);
  }

  @Override
  public String toString() {
    return "PolicyChanges{names=" + names + ", whole=" + changedWhole + "}";
  }
}
