package io.paymesh.config.store;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Orders a set of documents so they can be written one commit after the other without ever
 * leaving an unsafe intermediate policy, and cuts a set too large for one etcd transaction into
 * such commits. paymeshctl apply writes each step as one admin API bundle (so every step passes
 * validation, the Gate, the CDE reason rule and four-eyes); the benchmark harness (LoadMain)
 * writes its synthetic mesh with it.
 *
 * <p>Documents are written in dependency order: what others refer to first (processors, then
 * services), then the security policies that guard them, and the RouteTables and Gateways that
 * send traffic last (a Gateway opens public ports, so it comes after everything it forwards to).
 * So while a multi-step write is under way a route never points at a service that is not there
 * yet, and a service is never reachable before its PeerAuthentication and AuthorizationPolicies
 * are (a Service without AuthorizationPolicy is denied to every caller, never open).
 */
public final class WriteSteps {
  /** Write order of the kinds; every kind must be listed. */
  public static final List<Kind> ORDER = List.of(
      Kind.PAYMENT_PROCESSOR,
      Kind.SERVICE,
      Kind.PEER_AUTHENTICATION,
      Kind.AUTHORIZATION_POLICY,
      Kind.REQUEST_AUTHENTICATION,
      Kind.RATE_LIMIT_POLICY,
      Kind.ROUTE_TABLE,
      Kind.GATEWAY);

  private WriteSteps() {}

  /** The write order as documents name the kinds, for messages. */
  public static String describeOrder() {
    return String.join(", ", ORDER.stream().map(Kind::wireName).toList());
  }

  /** The documents in write order, cut into commits of at most {@code perStep}. */
  public static List<List<PolicyResource>> of(List<PolicyResource> resources) {
    return of(resources, Function.identity(), PolicyRepository.MAX_CHANGES_PER_COMMIT);
  }

  /**
   * Items that each carry a document (e.g. the document and the file it came from), in write
   * order, cut into steps of at most {@code perStep}.
   *
   * @throws IllegalArgumentException naming each document given twice (a single commit refuses
   *     those; split into steps they would silently overwrite each other)
   */
  public static <T> List<List<T>> of(List<T> items, Function<T, PolicyResource> document,
      int perStep) {
    if (perStep < 1) {
      throw new IllegalArgumentException("perStep must be positive: " + perStep);
    }
    requireUnique(items.stream().map(document).toList());
    List<T> ordered = new ArrayList<>(items);
    // Stable: within a kind, documents keep the order they were given in (e.g. of the files).
    ordered.sort(Comparator.comparingInt(item -> rank(document.apply(item).kind())));
    List<List<T>> steps = new ArrayList<>();
    for (int from = 0; from < ordered.size(); from += perStep) {
      steps.add(List.copyOf(ordered.subList(from, Math.min(ordered.size(), from + perStep))));
    }
    return steps;
  }

  private static int rank(Kind kind) {
    int rank = ORDER.indexOf(kind);
    if (rank < 0) {
      throw new IllegalStateException(kind + " has no place in WriteSteps.ORDER");
    }
    return rank;
  }

  private static void requireUnique(List<PolicyResource> resources) {
    Set<ResourceKey> seen = new HashSet<>();
    List<String> twice = new ArrayList<>();
    for (PolicyResource resource : resources) {
      if (!seen.add(resource.key())) {
        twice.add(resource.key() + ": the same document twice in one write");
      }
    }
    if (!twice.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", twice));
    }
  }
}
