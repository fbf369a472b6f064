package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import org.junit.jupiter.api.Test;

class GateTest {
  private final Gate gate = new Gate();

  @Test
  void translatorOutputForTheExamplePolicy_passes_sidecar() {
    GroupResources r = GateFixtures.translate(SIDECAR);

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, r);

    assertThat(result.violations()).isEmpty();
    assertThat(result.passed()).isTrue();
  }

  @Test
  void translatorOutputForTheExamplePolicy_passes_proxyless() {
    GroupResources r = GateFixtures.translate(PROXYLESS);

    GateResult result = gate.check(PolicyFixtures.snapshot(), PROXYLESS, r);

    assertThat(result.violations()).isEmpty();
    assertThat(result.passed()).isTrue();
  }

  @Test
  void translatorOutputForAServiceWithInboundRbac_failsOnlyOnItsUnknownCaller() {
    ProxyGroup group = ProxyGroup.sidecar("payments-v1");
    GroupResources r = GateFixtures.translate(group);

    GateResult result = gate.check(PolicyFixtures.snapshot(), group, r);

    assertThat(result.passed()).isFalse();
    assertThat(result.violations()).containsExactly(
        new GateViolation("AuthorizationPolicy/ledger-audit rule ledger-reads", "references",
            "caller 'ghost' is not a known Service"));
  }

  @Test
  void translatorOutputWithoutTheUnknownCaller_passes_sidecarWithInboundRbac() {
    PolicySnapshot snapshot = PolicySnapshot.builder(1)
        .addAll(PolicyFixtures.resources().stream()
            .filter(p -> !p.name().equals("ledger-audit")).toList())
        .build();
    ProxyGroup group = ProxyGroup.sidecar("payments-v1");

    GateResult result = gate.check(snapshot, group, GateFixtures.translate(snapshot, group));

    assertThat(result.violations()).isEmpty();
  }
}
