package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PeerAuthentication.MtlsMode;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.validation.Fixtures;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicySnapshotTest {

  /** One valid document per kind; a switch expression, so a new Kind does not compile until here. */
  private static PolicyResource documentOf(Kind kind) {
    return switch (kind) {
      case SERVICE -> Fixtures.service(s -> {});
      case PAYMENT_PROCESSOR -> Fixtures.processor(p -> {});
      case ROUTE_TABLE -> Fixtures.routeTable(t -> {});
      case AUTHORIZATION_POLICY -> Fixtures.authorizationPolicy(a -> {});
      case PEER_AUTHENTICATION -> Fixtures.peerAuthentication(p -> {});
      case REQUEST_AUTHENTICATION -> Fixtures.requestAuthentication(a -> {});
      case RATE_LIMIT_POLICY -> Fixtures.rateLimitPolicy(r -> {});
      case GATEWAY -> Fixtures.gateway(g -> {});
    };
  }

  private static List<PolicyResource> oneOfEveryKind() {
    return Arrays.stream(Kind.values()).map(PolicySnapshotTest::documentOf).collect(Collectors.toList());
  }

  @Test
  void add_whenOneDocumentOfEveryKind_keepsEachInKindThenNameOrder() {
    // Added in reverse so the order of resources() comes from the snapshot, not the caller.
    List<PolicyResource> reversed = oneOfEveryKind();
    Collections.reverse(reversed);

    PolicySnapshot snapshot = PolicySnapshot.builder(7).addAll(reversed).build();

    assertThat(snapshot.resources()).containsExactlyElementsOf(oneOfEveryKind());
    assertThat(snapshot.resources()).extracting(PolicyResource::kind).containsExactly(Kind.values());
  }

  @Test
  void add_whenNewKinds_putsThemInTheirSortedMaps() {
    PeerAuthentication zeta = Fixtures.peerAuthentication(p -> p.name = "zeta");
    PeerAuthentication alpha = Fixtures.peerAuthentication(p -> {
      p.name = "alpha";
      p.mode = MtlsMode.PERMISSIVE;
    });
    RequestAuthentication jwt = Fixtures.requestAuthentication(a -> {});
    RateLimitPolicy limits = Fixtures.rateLimitPolicy(r -> {});

    PolicySnapshot snapshot = PolicySnapshot.builder(1).add(zeta).add(jwt).add(alpha).add(limits).build();

    assertThat(snapshot.peerAuthentications()).containsExactly(
        Map.entry("alpha", alpha), Map.entry("zeta", zeta));
    assertThat(snapshot.requestAuthentications()).containsOnlyKeys("gateway-jwt");
    assertThat(snapshot.requestAuthentications().get("gateway-jwt")).isEqualTo(jwt);
    assertThat(snapshot.rateLimitPolicies()).containsOnlyKeys("payments-limits");
    assertThat(snapshot.services()).isEmpty();
    assertThat(snapshot.authorizationPolicies()).isEmpty();
  }

  @Test
  void add_whenSameKeyAgain_replacesTheEarlierDocument() {
    PolicySnapshot snapshot = PolicySnapshot.builder(1)
        .add(Fixtures.peerAuthentication(p -> {}))
        .add(Fixtures.peerAuthentication(p -> p.mode = MtlsMode.PERMISSIVE))
        .build();

    assertThat(snapshot.peerAuthentications().get("payments-mtls").spec().mode())
        .isEqualTo(MtlsMode.PERMISSIVE);
  }

  @Test
  void sameContentAs_whenOnlyRevisionDiffers_isTrue() {
    PolicySnapshot a = PolicySnapshot.builder(1).addAll(oneOfEveryKind()).build();
    PolicySnapshot b = PolicySnapshot.builder(2).addAll(oneOfEveryKind()).build();

    assertThat(a.sameContentAs(b)).isTrue();
  }

  @Test
  void sameContentAs_whenANewKindDocumentDiffers_isFalse() {
    PolicySnapshot base = PolicySnapshot.builder(1).addAll(oneOfEveryKind()).build();

    assertThat(base.sameContentAs(PolicySnapshot.builder(1).addAll(oneOfEveryKind())
        .add(Fixtures.peerAuthentication(p -> p.mode = MtlsMode.PERMISSIVE)).build())).isFalse();
    assertThat(base.sameContentAs(PolicySnapshot.builder(1).addAll(oneOfEveryKind())
        .add(Fixtures.requestAuthentication(a -> a.service = "edge")).build())).isFalse();
    assertThat(base.sameContentAs(PolicySnapshot.builder(1).addAll(oneOfEveryKind())
        .add(Fixtures.rateLimitPolicy(r -> r.name = "more-limits")).build())).isFalse();
  }
}
