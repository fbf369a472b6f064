package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {
  private final KeyLayout keys = new KeyLayout("/mesh/");

  @Test
  void policyKey_usesKindPathSegment() {
    assertThat(keys.policyKey(Kind.ROUTE_TABLE, "payments"))
        .isEqualTo("/mesh/policy/routetables/payments");
    assertThat(keys.endpointKey("payments", "i-1")).isEqualTo("/mesh/endpoints/payments/i-1");
  }

  @Test
  void parse_recognisesEachKindOfKey() {
    assertThat(keys.parse("/mesh/policy/services/checkout"))
        .contains(new StoreKey.Policy(new ResourceKey(Kind.SERVICE, "checkout")));
    assertThat(keys.parse("/mesh/endpoints/checkout/i-1"))
        .contains(new StoreKey.EndpointInstance("checkout", "i-1"));
    assertThat(keys.parse("/mesh/status/proxies/checkout~1")).contains(new StoreKey.Other());
    assertThat(keys.parse("/other/policy/services/checkout")).isEmpty();
  }

  @Test
  void policyInputRange_holdsEveryPolicyInputKey_andNoneOfTheBusyOnes() {
    String hash = "c".repeat(64);
    List<String> inside = List.of(keys.endpointsPrefix(), keys.endpointKey("a", "i-1"),
        keys.endpointKey("zzz", "zzz"), keys.policyPrefix(), keys.policyKey(Kind.SERVICE, "a"),
        keys.policyKey(Kind.ROUTE_TABLE, "zzz"), keys.policyPrefix() + "~bad/key");
    List<String> outside = List.of(keys.statusPrefix() + "proxies/checkout~1",
        keys.auditPrefix() + "00000000000000000042", keys.proposalKey("p-1"), "/mesh/",
        "/mesh/policy0", "/mesh/zzz", "/other/policy/services/a");

    for (String key : inside) {
      assertThat(inRange(key)).as(key).isTrue();
    }
    for (String key : outside) {
      assertThat(inRange(key)).as(key).isFalse();
    }
    // Between the two prefixes, rarely written and not policy input.
    assertThat(inRange(keys.joinTokenKey(hash))).isTrue();
    assertThat(keys.parse(keys.joinTokenKey(hash))).contains(new StoreKey.Other());
  }

  /** etcd compares keys as bytes, as String.compareTo does for these ASCII keys. */
  private boolean inRange(String key) {
    return key.compareTo(keys.policyInputRangeStart()) >= 0
        && key.compareTo(keys.policyInputRangeEnd()) < 0;
  }

  @Test
  void identityKeys_liveUnderIdentity_andAreNotPolicyInput() {
    String hash = "a".repeat(64);

    assertThat(keys.joinTokenKey(hash)).isEqualTo("/mesh/identity/join-tokens/" + hash);
    assertThat(keys.revocationKey("checkout")).isEqualTo("/mesh/identity/revocations/checkout");
    assertThat(keys.parse(keys.joinTokenKey(hash))).contains(new StoreKey.Other());
    assertThat(keys.parse(keys.revocationKey("checkout"))).contains(new StoreKey.Other());
  }

  @Test
  void idempotencyKeys_liveUnderIdempotency_areDigests_andAreNotPolicyInput() {
    String hash = "b".repeat(64);

    assertThat(keys.idempotencyKey(hash)).isEqualTo("/mesh/idempotency/" + hash);
    assertThat(keys.parse(keys.idempotencyKey(hash))).contains(new StoreKey.Other());
    assertThatThrownBy(() -> keys.idempotencyKey("retry-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("idempotency key: expected a lowercase SHA-256 hex digest");
  }

  @Test
  void joinTokenKey_acceptsOnlyADigest_andNeverEchoesItsArgument() {
    String tokenText = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";

    assertThatThrownBy(() -> keys.joinTokenKey(tokenText))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("join token key: expected a lowercase SHA-256 hex digest");
    assertThatThrownBy(() -> keys.joinTokenKey("A".repeat(64)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_whenShapeIsWrong_reportsMalformed() {
    assertThat(keys.parse("/mesh/policy/services/a/b"))
        .contains(new StoreKey.Malformed("key: expected /mesh/policy/<kind>/<name>"));
    assertThat(keys.parse("/mesh/endpoints/checkout"))
        .contains(new StoreKey.Malformed("key: expected /mesh/endpoints/<service>/<id>"));
    assertThat(keys.parse("/mesh/policy/virtualservices/edge"))
        .contains(new StoreKey.Malformed("key: unknown kind segment 'virtualservices'"));
  }

  @Test
  void construction_whenPrefixLacksSlashes_isRefused() {
    assertThatThrownBy(() -> new KeyLayout("paymesh"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("etcd prefix must start and end with '/': paymesh");
  }
}
