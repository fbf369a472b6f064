package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.Fixtures;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A snapshot made from the previous one and the keys changed since must be the snapshot made
 * from the whole view: same documents, endpoints in the same order, same lookups, same damage.
 */
class PolicyViewTest {
  private static final List<String> SERVICES = List.of("payments-v1", "ledger", "edge", "fraud");
  private static final List<String> HOSTS = List.of("payments", "ledger", "fraud");
  private static final List<String> NAMES = List.of("a", "b", "c");
  private static final List<Kind> KINDS = List.of(Kind.values());

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void toSnapshot_afterAnySequenceOfChanges_equalsTheSnapshotOfTheWholeView(long seed) {
    Random random = new Random(seed);
    PolicyView view = new PolicyView();
    long revision = 0;
    for (int step = 0; step < 400; step++) {
      int changes = 1 + random.nextInt(3);
      for (int i = 0; i < changes; i++) {
        change(view, random);
      }
      revision++;
      PolicySnapshot made = view.toSnapshot(revision);
      assertEquivalent(made, view.wholeSnapshot(revision));
    }
  }

  @Test
  void toSnapshot_whenOneRouteTableChanged_sharesEveryOtherKindWithThePreviousSnapshot() {
    PolicyView view = new PolicyView();
    view.put(documentKey(Kind.SERVICE, "a"), document(Fixtures.service(s -> s.name = "a")));
    view.put(documentKey(Kind.ROUTE_TABLE, "a"), document(Fixtures.routeTable(t -> t.name = "a")));
    view.put("endpoints/a/1", new StoredEntry.Instance(endpoint("a", "1")));
    PolicySnapshot first = view.toSnapshot(1);

    view.put(documentKey(Kind.ROUTE_TABLE, "a"),
        document(Fixtures.routeTable(t -> {
          t.name = "a";
          t.host = "ledger";
        })));
    PolicySnapshot second = view.toSnapshot(2);

    assertThat(second.services()).isSameAs(first.services());
    assertThat(second.endpoints()).isSameAs(first.endpoints());
    assertThat(second.routeTables()).isNotSameAs(first.routeTables());
    assertThat(second.routeTableForHost("ledger")).isPresent();
    assertThat(second.routeTableForHost("payments")).isEmpty();
    PolicyChanges changes = PolicyChanges.between(first, second);
    assertThat(changes.changedInputs()).containsExactlyInAnyOrder(PolicyInput.ROUTE_TABLE,
        PolicyInput.ROUTE_TABLE_FOR_HOST, PolicyInput.REVISION);
    assertEquivalent(second, view.wholeSnapshot(2));
  }

  private static void change(PolicyView view, Random random) {
    switch (random.nextInt(7)) {
      case 0, 1, 2 -> {
        PolicyResource resource = randomDocument(random);
        view.put(documentKey(resource.kind(), resource.name()), document(resource));
      }
      case 3 -> view.remove(documentKey(pick(random, KINDS), pick(random, NAMES)));
      case 4 -> {
        String service = pick(random, SERVICES);
        String id = pick(random, NAMES);
        if (random.nextBoolean()) {
          view.put("endpoints/" + service + "/" + id,
              new StoredEntry.Instance(endpoint(service, id, random.nextInt(3))));
        } else {
          view.remove("endpoints/" + service + "/" + id);
        }
      }
      case 5 -> {
        // A damaged version of a document: the snapshot keeps its last good version, if known.
        Kind kind = pick(random, KINDS);
        String name = pick(random, NAMES);
        String key = documentKey(kind, name);
        view.put(key, new StoredEntry.Rejected(
            new RejectedDocument(key, 2 + random.nextInt(1000), List.of("spec: damaged")),
            Optional.of(new ResourceKey(kind, name))));
        if (random.nextBoolean()) {
          view.damagedWithoutLastGood(key).ifPresent(damaged ->
              view.keep(key, document(randomDocument(random, kind, name))));
        }
      }
      default -> {
        // A damaged endpoint: listed, never kept.
        String key = "endpoints/" + pick(random, SERVICES) + "/" + pick(random, NAMES);
        view.put(key, new StoredEntry.Rejected(
            new RejectedDocument(key, 2 + random.nextInt(1000), List.of("port: damaged")),
            Optional.empty()));
      }
    }
  }

  private static PolicyResource randomDocument(Random random) {
    return randomDocument(random, pick(random, KINDS), pick(random, NAMES));
  }

  private static PolicyResource randomDocument(Random random, Kind kind, String name) {
    String service = pick(random, SERVICES);
    return switch (kind) {
      case SERVICE -> Fixtures.service(s -> {
        s.name = name;
        s.identity = "spiffe://paymesh.local/ns/payments/sa/" + pick(random, SERVICES);
      });
      case PAYMENT_PROCESSOR -> Fixtures.processor(p -> p.name = name);
      case ROUTE_TABLE -> Fixtures.routeTable(t -> {
        t.name = name;
        t.host = pick(random, HOSTS);
      });
      case AUTHORIZATION_POLICY -> Fixtures.authorizationPolicy(a -> {
        a.name = name;
        a.service = service;
      });
      case PEER_AUTHENTICATION -> Fixtures.peerAuthentication(p -> {
        p.name = name;
        p.service = service;
      });
      case REQUEST_AUTHENTICATION -> Fixtures.requestAuthentication(r -> {
        r.name = name;
        r.service = service;
      });
      case RATE_LIMIT_POLICY -> Fixtures.rateLimitPolicy(r -> {
        r.name = name;
        r.service = service;
      });
      case GATEWAY -> Fixtures.gateway(g -> {
        g.name = name;
        g.service = service;
        g.sensitiveHeaders = random.nextBoolean() ? List.of() : List.of("X-Card-" + name);
      });
    };
  }

  private static void assertEquivalent(PolicySnapshot made, PolicySnapshot whole) {
    assertThat(made.revision()).isEqualTo(whole.revision());
    // sameContentAs compares every map, endpoint lists in order, and the damaged documents.
    assertThat(made.sameContentAs(whole)).as("same content").isTrue();
    assertThat(made.resources()).isEqualTo(whole.resources());
    assertThat(made.sensitiveHeaders()).isEqualTo(whole.sensitiveHeaders());
    for (String host : HOSTS) {
      assertThat(made.routeTableForHost(host)).as(host).isEqualTo(whole.routeTableForHost(host));
    }
    for (String service : SERVICES) {
      assertThat(made.endpointsOf(service)).isEqualTo(whole.endpointsOf(service));
      assertThat(made.authorizationPoliciesFor(service))
          .isEqualTo(whole.authorizationPoliciesFor(service));
      assertThat(made.peerAuthenticationsFor(service))
          .isEqualTo(whole.peerAuthenticationsFor(service));
      assertThat(made.rateLimitPoliciesFor(service))
          .isEqualTo(whole.rateLimitPoliciesFor(service));
      assertThat(made.requestAuthenticationsFor(service))
          .isEqualTo(whole.requestAuthenticationsFor(service));
      assertThat(made.gatewaysFor(service)).isEqualTo(whole.gatewaysFor(service));
    }
  }

  private static String documentKey(Kind kind, String name) {
    return "policy/" + kind.wireName() + "/" + name;
  }

  private static StoredEntry.Document document(PolicyResource resource) {
    return new StoredEntry.Document(resource, 1);
  }

  private static Endpoint endpoint(String service, String id) {
    return endpoint(service, id, 0);
  }

  private static Endpoint endpoint(String service, String id, int variant) {
    return new Endpoint(service, id, "10.0.0." + (1 + variant), 8443, "zone-a", 100);
  }

  private static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
