package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.extensions.filters.http.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundRbacGateTest {
  private static final String INBOUND = "inbound|grpc";
  private final Gate gate = new Gate();

  @Test
  void routerBeforeRbac_isReported() {
    GroupResources bad = GateFixtures.editHcm(GateFixtures.translate(SIDECAR), INBOUND, hcm -> {
      HttpFilter rbac = hcm.getHttpFilters(0);
      HttpFilter router = hcm.getHttpFilters(1);
      return hcm.clearHttpFilters().addHttpFilters(router).addHttpFilters(rbac);
    });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "5", "HttpConnectionManager has no envoy.filters.http.rbac filter before"
            + " envoy.filters.http.router"));
  }

  @Test
  void rbacWithoutRules_isReported() {
    GroupResources bad = withRbac(RBAC.newBuilder()
        .setShadowRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.getDefaultInstance())
        .build());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "5", "RBAC filter has no rules, so it denies nothing"));
  }

  @Test
  void denyActionRules_areReported() {
    GroupResources bad = withRbac(RBAC.newBuilder()
        .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.DENY))
        .build());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "5", "RBAC rules action is DENY, expected ALLOW"));
  }

  @Test
  void principalAnyNestedInASet_isReported_inRulesAndShadowRules() {
    Policy anyone = Policy.newBuilder()
        .addPermissions(Permission.newBuilder().setAny(true))
        .addPrincipals(Principal.newBuilder().setOrIds(Principal.Set.newBuilder()
            .addIds(Principal.newBuilder().setNotId(Principal.newBuilder()
                .setAndIds(Principal.Set.newBuilder()
                    .addIds(Principal.newBuilder().setAny(true)))))))
        .build();
    GroupResources bad = withRbac(RBAC.newBuilder()
        .setRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .setAction(io.envoyproxy.envoy.config.rbac.v3.RBAC.Action.ALLOW)
            .putPolicies("open/all", anyone))
        .setShadowRules(io.envoyproxy.envoy.config.rbac.v3.RBAC.newBuilder()
            .putPolicies("open/shadow", anyone))
        .build());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(
        new GateViolation("Listener/inbound|grpc", "5",
            "RBAC rules policy 'open/all' allows principal any"),
        new GateViolation("Listener/inbound|grpc", "5",
            "RBAC shadow_rules policy 'open/shadow' allows principal any"));
  }

  @Test
  void listenerNotMarkedOutbound_withAChainThatBypassesHcm_isReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    List<Listener> listeners = new ArrayList<>(good.listeners());
    listeners.add(Listener.newBuilder()
        .setName("raw")
        .setTrafficDirection(TrafficDirection.UNSPECIFIED)
        .addFilterChains(FilterChain.newBuilder()
            .addFilters(Filter.newBuilder().setName("envoy.filters.network.tcp_proxy")))
        .build());
    GroupResources bad =
        new GroupResources(listeners, good.routes(), good.clusters(), good.endpoints(),
            good.secrets());

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/raw", "5",
        "filter chain 0 has no HttpConnectionManager to enforce RBAC"));
  }

  @Test
  void proxylessServerListenerWithoutRbac_isReported() {
    String server = "grpc/server?xds.resource.listening_address=0.0.0.0:8443";
    GroupResources bad = GateFixtures.editHcm(GateFixtures.translate(PROXYLESS), server,
        hcm -> hcm.removeHttpFilters(0));

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/" + server,
        "5", "HttpConnectionManager has no envoy.filters.http.rbac filter before"
            + " envoy.filters.http.router"));
  }

  @Test
  void permissivePlaintextChainWithoutRbac_isReported() {
    PolicySnapshot permissive = PolicySnapshot.builder(1)
        .addAll(PolicyFixtures.resources())
        .add(new PeerAuthentication("checkout-migration",
            new PeerAuthentication.Spec("checkout", PeerAuthentication.MtlsMode.PERMISSIVE)))
        .build();
    GroupResources good = GateFixtures.translate(permissive, SIDECAR);
    assertThat(gate.check(permissive, SIDECAR, good).violations()).isEmpty();
    GroupResources bad = GateFixtures.editListener(good, INBOUND, l -> {
      try {
        var filter = l.getFilterChainsBuilder(1).getFiltersBuilder(0);
        var hcm = filter.getTypedConfig().unpack(
            io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3
                .HttpConnectionManager.class);
        filter.setTypedConfig(Any.pack(hcm.toBuilder().removeHttpFilters(0).build()));
        return l;
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });

    GateResult result = gate.check(permissive, SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "5", "HttpConnectionManager has no envoy.filters.http.rbac filter before"
            + " envoy.filters.http.router"));
  }

  private static GroupResources withRbac(RBAC rbac) {
    return GateFixtures.editHcm(GateFixtures.translate(SIDECAR), INBOUND, hcm -> {
      hcm.getHttpFiltersBuilder(0).setTypedConfig(Any.pack(rbac));
      return hcm;
    });
  }
}
