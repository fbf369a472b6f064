package io.paymesh.xds.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymesh.xds.metrics.XdsMetrics;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.config.validation.PolicyValidator;
import io.paymesh.xds.ads.ProxyGroups;
import io.paymesh.xds.ads.Publishers;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateResult;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks' input is realistic and valid: every synthetic document passes PolicyValidator,
 * every group translates and passes the Gate, and the one-RouteTable change moves exactly the
 * groups of that host's callers. Kept at 50 services so it runs in the normal build in a second.
 */
class SyntheticPolicyTest {
  private static final int SERVICES = 50;
  private final SyntheticPolicy policy = SyntheticPolicy.generate(SERVICES);

  @Test
  void everyDocumentIsValid() {
    PolicyValidator validator = new PolicyValidator();
    for (PolicyResource resource : policy.resources()) {
      assertThat(validator.validate(resource)).as(resource.key().toString()).isEmpty();
    }
  }

  @Test
  void meshHasTheAdvertisedShape() {
    PolicySnapshot snapshot = policy.snapshot(1);
    assertThat(snapshot.services()).hasSize(SERVICES);
    assertThat(snapshot.routeTables()).hasSize(SERVICES);
    assertThat(snapshot.authorizationPolicies()).hasSize(SERVICES);
    assertThat(snapshot.processors()).hasSize(SyntheticPolicy.PROCESSORS);
    for (Service service : snapshot.services().values()) {
      assertThat(service.spec().dependencies()).as(service.name()).hasSizeBetween(3, 5);
      assertThat(snapshot.endpointsOf(service.name()))
          .hasSize(SyntheticPolicy.ENDPOINTS_PER_SERVICE)
          .extracting(e -> e.zone()).containsOnly("zone-a", "zone-b");
    }
    for (RouteTable table : snapshot.routeTables().values()) {
      assertThat(table.spec().routes()).hasSize(SyntheticPolicy.ROUTES_PER_TABLE);
    }
  }

  @Test
  void everyGroupTranslatesAndPassesTheGate() {
    PolicySnapshot snapshot = policy.snapshot(1);
    GroupTranslator translator = new GroupTranslator();
    Gate gate = new Gate();
    int checked = 0;
    for (String service : snapshot.services().keySet()) {
      for (ClientFamily client : ClientFamily.values()) {
        ProxyGroup group = new ProxyGroup(service, client);
        GroupResources resources = translator.translate(snapshot, group).orElseThrow();
        GateResult result = gate.check(snapshot, group, resources);
        assertThat(result.violations()).as(group.toString()).isEmpty();
        assertThat(resources.clusters()).as(group.toString()).isNotEmpty();
        checked++;
      }
    }
    assertThat(checked).isEqualTo(SERVICES * ClientFamily.values().length);
  }

  @Test
  void changedRouteTableMovesExactlyItsCallersGroups() {
    SimpleCache<ProxyGroup> cache = new SimpleCache<>(new ProxyGroups());
    SnapshotPublisher publisher =
        new SnapshotPublisher(new GroupTranslator(), new Gate(), cache, XdsMetrics.standalone());
    PolicySnapshot before = policy.snapshot(1);
    Publishers.demandEveryGroup(publisher, before);
    publisher.publish(before);
    Map<ProxyGroup, String> routeVersions = routeVersions(cache, before);
    assertThat(routeVersions).hasSize(SERVICES * ClientFamily.values().length);
    assertThat(publisher.failingGroups()).isEmpty();

    publisher.publish(policy.withChangedRouteTable().snapshot(2));

    Map<ProxyGroup, String> after = routeVersions(cache, before);
    Set<ProxyGroup> moved = after.keySet().stream()
        .filter(g -> !after.get(g).equals(routeVersions.get(g)))
        .collect(Collectors.toSet());
    String changedHost = SyntheticPolicy.serviceName(0);
    Set<ProxyGroup> callersGroups = before.services().values().stream()
        .filter(s -> s.spec().dependencies().contains(changedHost))
        .flatMap(s -> ProxyGroup.everyFamily(s.name()).stream())
        .collect(Collectors.toSet());
    assertThat(callersGroups).hasSize(4 * ClientFamily.values().length);
    assertThat(moved).isEqualTo(callersGroups);
    assertThat(publisher.failingGroups()).isEmpty();
  }

  @Test
  void refusesAnOddServiceCount() {
    assertThatThrownBy(() -> SyntheticPolicy.generate(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("service count must be even and at least 6: 7");
  }

  private static Map<ProxyGroup, String> routeVersions(
      SimpleCache<ProxyGroup> cache, PolicySnapshot policy) {
    Map<ProxyGroup, String> versions = new TreeMap<>(
        (a, b) -> a.toString().compareTo(b.toString()));
    for (String service : policy.services().keySet()) {
      for (ClientFamily client : ClientFamily.values()) {
        ProxyGroup group = new ProxyGroup(service, client);
        Snapshot snapshot = cache.getSnapshot(group);
        if (snapshot != null) {
          versions.put(group, snapshot.routes().version());
        }
      }
    }
    return versions;
  }
}
