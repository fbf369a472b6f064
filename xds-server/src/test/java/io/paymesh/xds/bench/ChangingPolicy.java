package io.paymesh.xds.bench;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.PolicySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A synthetic mesh that a test changes step by step, for comparing what an incremental component
 * (the publisher, the plan) makes of each step with what a from-scratch one makes: its documents
 * and endpoints are mutable, and {@link #randomChange} applies one of the changes operators and
 * registrations make (a route timeout, a document removed or put back, an endpoint dropped or the
 * service's endpoints restored, or nothing but a new revision).
 */
public final class ChangingPolicy {
  private final SyntheticPolicy base;
  private final Map<ResourceKey, PolicyResource> documents = new LinkedHashMap<>();
  private final Map<String, List<Endpoint>> endpoints = new TreeMap<>();

  public ChangingPolicy(SyntheticPolicy base) {
    this.base = base;
    base.resources().forEach(r -> documents.put(r.key(), r));
    for (Endpoint endpoint : base.endpoints()) {
      endpoints.computeIfAbsent(endpoint.service(), s -> new ArrayList<>()).add(endpoint);
    }
  }

  /** The current documents by key; tests may change them. */
  public Map<ResourceKey, PolicyResource> documents() {
    return documents;
  }

  /** The current endpoints by service; tests may change them. */
  public Map<String, List<Endpoint>> endpoints() {
    return endpoints;
  }

  /** The current documents and endpoints as the watcher would hand them over. */
  public PolicySnapshot snapshot(long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision).addAll(documents.values());
    endpoints.values().forEach(list -> list.forEach(builder::addEndpoint));
    return builder.build();
  }

  /** Applies one random change; returns what it did, for a failure message. */
  public String randomChange(SplittableRandom random) {
    int i = random.nextInt(base.serviceCount());
    String service = SyntheticPolicy.serviceName(i);
    List<PolicyResource> originals = base.resources();
    switch (random.nextInt(6)) {
      case 0 -> {
        Duration timeout = Duration.ofMillis(500 + random.nextInt(2000));
        documents.put(new ResourceKey(Kind.ROUTE_TABLE, service),
            SyntheticPolicy.routeTableOf(i, timeout));
        return "RouteTable " + service + " timeout " + timeout;
      }
      case 1 -> {
        PolicyResource removed = originals.get(random.nextInt(originals.size()));
        documents.remove(removed.key());
        return "removed " + removed.key();
      }
      case 2 -> {
        PolicyResource restored = originals.get(random.nextInt(originals.size()));
        documents.put(restored.key(), restored);
        return "restored " + restored.key();
      }
      case 3 -> {
        List<Endpoint> list = endpoints.get(service);
        if (list != null && !list.isEmpty()) {
          list.remove(list.size() - 1);
        }
        return "dropped an endpoint of " + service;
      }
      case 4 -> {
        endpoints.put(service, new ArrayList<>(base.endpoints().stream()
            .filter(e -> e.service().equals(service)).toList()));
        return "restored the endpoints of " + service;
      }
      default -> {
        return "nothing but a new revision";
      }
    }
  }
}
