package io.paymesh.config.tools;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.PolicyRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a policy too large for one etcd transaction into commits the xds-servers can apply one
 * after the other without ever being given an unsafe intermediate policy.
 *
 * <p>Documents are written in dependency order: what others refer to first (processors, then
 * services), then the security policies that guard them, and the RouteTables and Gateways that
 * send traffic last (a Gateway opens public ports, so it comes after everything it forwards to). So while a load is under way a route never points at a service that is not there yet, and
 * a service is never reachable before its PeerAuthentication and AuthorizationPolicies are (a
 * Service without AuthorizationPolicy is denied to every caller, never open). Where an
 * intermediate policy is still incomplete, e.g. a service whose dependency comes in a later step,
 * the xds-server's Gate refuses that group's new config and its proxies keep what they had.
 */
public final class LoadSteps {
  /** Write order of the kinds; every kind must be listed. */
  static final List<Kind> ORDER = List.of(
      Kind.PAYMENT_PROCESSOR,
      Kind.SERVICE,
      Kind.PEER_AUTHENTICATION,
      Kind.AUTHORIZATION_POLICY,
      Kind.REQUEST_AUTHENTICATION,
      Kind.RATE_LIMIT_POLICY,
      Kind.ROUTE_TABLE,
      Kind.GATEWAY);

  private LoadSteps() {}

  /** The write order as documents name the kinds, for the loader's output. */
  static String describeOrder() {
    return String.join(", ", ORDER.stream().map(Kind::wireName).toList());
  }

  /**
   * The documents in write order, cut into commits of at most
   * {@link PolicyRepository#MAX_CHANGES_PER_COMMIT}.
   *
   * @throws IllegalArgumentException naming each document given twice (a single commit refuses
   *     those; split into steps they would silently overwrite each other)
   */
  public static List<List<PolicyResource>> of(List<PolicyResource> resources) {
    requireUnique(resources);
    Map<Kind, Integer> rank = new EnumMap<>(Kind.class);
    for (int i = 0; i < ORDER.size(); i++) {
      rank.put(ORDER.get(i), i);
    }
    List<PolicyResource> ordered = new ArrayList<>(resources);
    // Stable: within a kind, documents keep the order of the files.
    ordered.sort(Comparator.comparing(r -> rank.get(r.key().kind())));
    List<List<PolicyResource>> steps = new ArrayList<>();
    for (int from = 0; from < ordered.size(); from += PolicyRepository.MAX_CHANGES_PER_COMMIT) {
      steps.add(List.copyOf(ordered.subList(from,
          Math.min(ordered.size(), from + PolicyRepository.MAX_CHANGES_PER_COMMIT))));
    }
    return steps;
  }

  private static void requireUnique(List<PolicyResource> resources) {
    Set<ResourceKey> seen = new HashSet<>();
    List<String> twice = new ArrayList<>();
    for (PolicyResource resource : resources) {
      if (!seen.add(resource.key())) {
        twice.add(resource.key() + ": duplicate document in one load");
      }
    }
    if (!twice.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", twice));
    }
  }
}
