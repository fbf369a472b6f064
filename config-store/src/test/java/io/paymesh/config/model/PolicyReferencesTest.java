package io.paymesh.config.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.config.validation.Fixtures;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyReferencesTest {

  @Test
  void servicesNamed_whenService_returnsItself() {
    assertThat(PolicyReferences.servicesNamed(Fixtures.service(s -> {})))
        .containsExactly("checkout");
  }

  @Test
  void servicesNamed_whenPaymentProcessor_returnsNothing() {
    assertThat(PolicyReferences.servicesNamed(Fixtures.processor(p -> {}))).isEmpty();
  }

  @Test
  void servicesNamed_whenRouteTable_returnsHostAndEveryTargetSorted() {
    RouteTable table = Fixtures.routeTable(t -> {
      t.host = "payments";
      t.routes = List.of(
          Fixtures.route(r -> {}),
          Fixtures.route(r -> {
            r.name = "to-stripe";
            r.destination = new Destination.Single("stripe");
          }),
          Fixtures.route(Fixtures.RouteDraft::makeDefault));
    });
    assertThat(PolicyReferences.servicesNamed(table))
        .containsExactly("payments", "payments-v1", "payments-v2", "stripe");
  }

  @Test
  void servicesNamed_whenPolicyKinds_returnsTheirService() {
    assertThat(PolicyReferences.servicesNamed(Fixtures.authorizationPolicy(a -> a.service = "ledger")))
        .containsExactly("ledger");
    assertThat(PolicyReferences.servicesNamed(Fixtures.peerAuthentication(p -> p.service = "vault")))
        .containsExactly("vault");
    assertThat(PolicyReferences.servicesNamed(Fixtures.requestAuthentication(a -> {})))
        .containsExactly("api-gateway");
    assertThat(PolicyReferences.servicesNamed(Fixtures.rateLimitPolicy(r -> r.service = "refunds")))
        .containsExactly("refunds");
  }

  @Test
  void servicesNamed_whenFieldsMissing_skipsThemInsteadOfThrowing() {
    assertThat(PolicyReferences.servicesNamed(new PeerAuthentication("p", null))).isEmpty();
    assertThat(PolicyReferences.servicesNamed(Fixtures.rateLimitPolicy(r -> r.service = null))).isEmpty();
    RouteTable noDestination = Fixtures.routeTable(t -> t.routes = List.of(
        Fixtures.route(r -> r.destination = null)));
    assertThat(PolicyReferences.servicesNamed(noDestination)).containsExactly("payments");
  }

  @Test
  void servicesNamed_returnsAnUnmodifiableSortedSet() {
    Set<String> names = PolicyReferences.servicesNamed(Fixtures.routeTable(t -> t.routes = List.of(
        Fixtures.route(r -> r.destination = new Destination.Split(List.of(
            new Destination.WeightedTarget("zeta", 50), new Destination.WeightedTarget("alpha", 50)),
            Optional.of("x-merchant-id"))))));
    assertThat(names).containsExactly("alpha", "payments", "zeta");
    assertThatThrownBy(() -> names.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }
}
