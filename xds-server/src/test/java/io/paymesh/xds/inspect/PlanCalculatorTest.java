package io.paymesh.xds.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.config.model.Destination;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.bench.ChangingPolicy;
import io.paymesh.xds.bench.SyntheticPolicy;
import io.paymesh.xds.gate.GateViolation;
import io.paymesh.xds.inspect.PlanCalculator.ChangeType;
import io.paymesh.xds.inspect.PlanCalculator.GroupPlan;
import io.paymesh.xds.inspect.PlanCalculator.ResourceChange;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlanCalculatorTest {
  private static final String RDS = Resources.V3.ROUTE_TYPE_URL;

  private final PlanCalculator calculator = new PlanCalculator();

  /** The fixture policy with some documents replaced (by kind and name) or added. */
  private static PolicySnapshot fixturesWith(PolicyResource... changed) {
    List<PolicyResource> resources = new ArrayList<>(PolicyFixtures.resources());
    for (PolicyResource resource : changed) {
      resources.removeIf(r -> r.key().equals(resource.key()));
      resources.add(resource);
    }
    PolicySnapshot.Builder b = PolicySnapshot.builder(43).addAll(resources);
    PolicyFixtures.endpoints().forEach(b::addEndpoint);
    return b.build();
  }

  /** The fixture RouteTable with its read route ("default") sent to another target. */
  private static RouteTable readsTo(String target) {
    RouteTable.Route read = PolicyFixtures.readDefault();
    RouteTable.Route moved = new RouteTable.Route(read.name(), read.match(),
        new Destination.Single(target), read.operation(), read.timeout(), read.retry());
    return new RouteTable("payments", new RouteTable.Spec("payments",
        List.of(PolicyFixtures.chargeCard(), PolicyFixtures.refund(), moved)));
  }

  private static Service refunds() {
    return new Service("refunds", new Service.Spec(
        List.of(new Service.Port("grpc", 8443, 9090, Service.Protocol.GRPC)),
        "spiffe://paymesh.local/ns/payments/sa/refunds", PciScope.CONNECTED, List.of("ledger"),
        LoadBalancing.ROUND_ROBIN, Optional.empty(), Optional.empty()));
  }

  private static List<String> changedLines(String diff) {
    return Arrays.stream(diff.split("\n"))
        .filter(l -> (l.startsWith("-") || l.startsWith("+"))
            && !l.startsWith("---") && !l.startsWith("+++"))
        .toList();
  }

  @Test
  void samePolicy_plansNothing() {
    assertThat(calculator.plan(PolicyFixtures.snapshot(), fixturesWith())).isEmpty();
  }

  @Test
  void routeTargetChange_isOneChangedRouteConfiguration_inTheCallersGroupsOnly() {
    List<GroupPlan> plans =
        calculator.plan(PolicyFixtures.snapshot(), fixturesWith(readsTo("payments-v2")));

    assertThat(plans).extracting(GroupPlan::group)
        .containsExactlyElementsOf(ProxyGroup.everyFamily("checkout"));
    // Sidecars carry every host in the "outbound" configuration, proxyless clients one per host.
    assertThat(plans.get(0).changes()).extracting(ResourceChange::typeUrl, ResourceChange::name,
        ResourceChange::type).containsExactly(
            org.assertj.core.groups.Tuple.tuple(RDS, "outbound", ChangeType.CHANGED));
    for (GroupPlan proxyless : plans.subList(1, plans.size())) {
      assertThat(proxyless.changes()).extracting(ResourceChange::typeUrl, ResourceChange::name,
          ResourceChange::type).containsExactly(
              org.assertj.core.groups.Tuple.tuple(RDS, "payments", ChangeType.CHANGED));
    }
    for (GroupPlan plan : plans) {
      String diff = plan.changes().get(0).diff();
      assertThat(changedLines(diff)).hasSize(2).satisfiesExactly(
          removed -> assertThat(removed).matches("-\\s+\"cluster\": \"payments-v1\",?"),
          added -> assertThat(added).matches("\\+\\s+\"cluster\": \"payments-v2\",?"));
      assertThat(diff).startsWith("--- RouteConfiguration/").contains("\n+++ RouteConfiguration/")
          .contains("\n@@ -");
      assertThat(plan.violationsAfter()).isEmpty();
      assertThat(plan.newlyFailing()).isFalse();
    }
  }

  @Test
  void newService_showsAllItsResourcesAdded() {
    List<GroupPlan> plans = calculator.plan(PolicyFixtures.snapshot(), fixturesWith(refunds()));

    assertThat(plans).extracting(GroupPlan::group)
        .containsExactlyElementsOf(ProxyGroup.everyFamily("refunds"));
    GroupPlan proxyless = plans.get(1);
    assertThat(proxyless.changes()).extracting(ResourceChange::name, ResourceChange::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "grpc/server?xds.resource.listening_address=0.0.0.0:8443", ChangeType.ADDED),
            org.assertj.core.groups.Tuple.tuple("ledger", ChangeType.ADDED),
            org.assertj.core.groups.Tuple.tuple("inbound|grpc", ChangeType.ADDED),
            org.assertj.core.groups.Tuple.tuple("ledger", ChangeType.ADDED),
            org.assertj.core.groups.Tuple.tuple("ledger", ChangeType.ADDED),
            org.assertj.core.groups.Tuple.tuple("ledger", ChangeType.ADDED));
    assertThat(plans).flatExtracting(GroupPlan::changes).allSatisfy(change -> {
      assertThat(change.type()).isEqualTo(ChangeType.ADDED);
      assertThat(change.diff()).startsWith("--- /dev/null\n+++ ").contains("\n@@ -0,0 +1,");
      assertThat(changedLines(change.diff())).allMatch(l -> l.startsWith("+"));
    });
    assertThat(plans).allSatisfy(p -> assertThat(p.newlyFailing()).isFalse());
  }

  @Test
  void removedService_showsAllItsResourcesRemoved() {
    List<GroupPlan> plans = calculator.plan(fixturesWith(refunds()), PolicyFixtures.snapshot());

    assertThat(plans).extracting(GroupPlan::group)
        .containsExactlyElementsOf(ProxyGroup.everyFamily("refunds"));
    assertThat(plans.get(0).changes()).extracting(ResourceChange::name).containsExactly(
        "inbound|grpc", "outbound", "inbound|grpc", "outbound", "inbound|grpc", "ledger",
        "ledger");
    assertThat(plans).flatExtracting(GroupPlan::changes).allSatisfy(change -> {
      assertThat(change.type()).isEqualTo(ChangeType.REMOVED);
      assertThat(change.diff()).contains("\n+++ /dev/null\n@@ -1,");
      assertThat(changedLines(change.diff())).allMatch(l -> l.startsWith("-"));
    });
    assertThat(plans).allSatisfy(p -> {
      assertThat(p.violationsAfter()).isEmpty();
      assertThat(p.newlyFailing()).isFalse();
    });
  }

  @Test
  void routeToAnUndeclaredDependency_makesTheCallersGroupsNewlyFailing() {
    PolicySnapshot before = fixturesWith(refunds());

    List<GroupPlan> plans = calculator.plan(before, fixturesWith(refunds(), readsTo("refunds")));

    assertThat(plans).extracting(GroupPlan::group)
        .containsExactlyElementsOf(ProxyGroup.everyFamily("checkout"));
    assertThat(plans).allSatisfy(plan -> {
      assertThat(plan.newlyFailing()).isTrue();
      assertThat(plan.violationsAfter()).contains(
          new GateViolation("RouteTable/payments route default", "references",
              "target 'refunds' is not a declared dependency of service 'checkout'"));
    });
  }

  @Test
  void newProcessorDependency_addsItsClusterThenItsSecret_andAPermissiveModeChangesTheListener() {
    Service refunds = refunds();
    Service withStripe = new Service(refunds.name(), new Service.Spec(
        refunds.spec().ports(), refunds.spec().identity(), refunds.spec().pciScope(),
        List.of("ledger", "stripe"), refunds.spec().loadBalancing(),
        refunds.spec().circuitBreakers(), refunds.spec().outlierDetection()));
    PeerAuthentication permissive = new PeerAuthentication("refunds-migration",
        new PeerAuthentication.Spec("refunds", PeerAuthentication.MtlsMode.PERMISSIVE));

    List<GroupPlan> plans = calculator.plan(fixturesWith(refunds()),
        fixturesWith(withStripe, permissive));

    GroupPlan sidecar = plans.stream()
        .filter(p -> p.group().equals(ProxyGroup.sidecar("refunds")))
        .findFirst().orElseThrow();
    assertThat(sidecar.changes())
        .extracting(ResourceChange::typeUrl, ResourceChange::name, ResourceChange::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Resources.V3.LISTENER_TYPE_URL, "inbound|grpc",
                ChangeType.CHANGED),
            org.assertj.core.groups.Tuple.tuple(RDS, "outbound", ChangeType.CHANGED),
            org.assertj.core.groups.Tuple.tuple(Resources.V3.CLUSTER_TYPE_URL, "stripe",
                ChangeType.ADDED),
            org.assertj.core.groups.Tuple.tuple(Resources.V3.SECRET_TYPE_URL, "psp-ca-bundle",
                ChangeType.ADDED));
    assertThat(sidecar.changes().get(0).diff()).contains("+  \"listener_filters\": [{");
    assertThat(sidecar.changes().get(3).diff())
        .contains("+      \"filename\": \"/etc/ssl/certs/ca-certificates.crt\"");
    assertThat(sidecar.violationsAfter()).isEmpty();
  }

  @Test
  void newServiceThatFailsTheGate_isNewlyFailing() {
    Service refunds = refunds();
    Service withUnknownDependency = new Service(refunds.name(), new Service.Spec(
        refunds.spec().ports(), refunds.spec().identity(), refunds.spec().pciScope(),
        List.of("ledger", "no-such-service"), refunds.spec().loadBalancing(),
        refunds.spec().circuitBreakers(), refunds.spec().outlierDetection()));

    List<GroupPlan> plans = calculator.plan(PolicyFixtures.snapshot(),
        fixturesWith(withUnknownDependency));

    assertThat(plans).extracting(GroupPlan::group)
        .containsExactlyElementsOf(ProxyGroup.everyFamily("refunds"));
    assertThat(plans).allSatisfy(plan -> {
      assertThat(plan.newlyFailing()).isTrue();
      assertThat(plan.violationsAfter()).extracting(GateViolation::invariant).contains("references");
    });
  }

  @Test
  void aGroupFailingBeforeAndAfter_isNotNewlyFailing() {
    // payments-v1's sidecar fails on the unknown caller "ghost" before and after this change.
    Service paymentsV1 = PolicyFixtures.paymentsV1();
    Service oneMorePort = new Service(paymentsV1.name(), new Service.Spec(
        List.of(paymentsV1.spec().ports().get(0), paymentsV1.spec().ports().get(1),
            new Service.Port("metrics", 8445, 9092, Service.Protocol.HTTP)),
        paymentsV1.spec().identity(), paymentsV1.spec().pciScope(),
        paymentsV1.spec().dependencies(), paymentsV1.spec().loadBalancing(),
        paymentsV1.spec().circuitBreakers(), paymentsV1.spec().outlierDetection()));

    List<GroupPlan> plans = calculator.plan(PolicyFixtures.snapshot(), fixturesWith(oneMorePort));

    GroupPlan sidecar = plans.stream()
        .filter(p -> p.group().equals(ProxyGroup.sidecar("payments-v1")))
        .findFirst().orElseThrow();
    assertThat(sidecar.changes()).isNotEmpty();
    assertThat(sidecar.violationsAfter()).isNotEmpty();
    assertThat(sidecar.newlyFailing()).isFalse();
  }

  /**
   * The plan skips the groups a change cannot reach (their read logs): over a seeded random
   * sequence of changes on a synthetic mesh, each step's plan names exactly the groups, resources,
   * verdicts and newly failing flags that dumping every group of every family under both policies
   * shows.
   */
  @Test
  void everyStepOfARandomSequenceOfChanges_plansWhatDumpingEveryGroupShows() {
    ChangingPolicy changing = new ChangingPolicy(SyntheticPolicy.generate(12));
    SplittableRandom random = new SplittableRandom(0x91a7_2026_1201L);
    ConfigDumper dumper = new ConfigDumper();
    PolicySnapshot before = changing.snapshot(0);
    int planned = 0;
    for (int step = 1; step <= 30; step++) {
      String change = changing.randomChange(random);
      PolicySnapshot after = changing.snapshot(step);

      List<String> plan = calculator.plan(before, after).stream()
          .map(PlanCalculatorTest::summary).toList();

      assertThat(plan).as("step %d: %s", step, change)
          .isEqualTo(planByDumpingEveryGroup(dumper, before, after));
      planned += plan.size();
      before = after;
    }
    assertThat(planned).as("the sequence changes some groups").isPositive();
  }

  /** What a plan must say, worked out the slow way: every group dumped under both policies. */
  private static List<String> planByDumpingEveryGroup(
      ConfigDumper dumper, PolicySnapshot before, PolicySnapshot after) {
    TreeSet<String> services = new TreeSet<>(before.services().keySet());
    services.addAll(after.services().keySet());
    List<String> out = new ArrayList<>();
    for (String service : services) {
      for (ProxyGroup group : ProxyGroup.everyFamily(service)) {
        ConfigDumper.GroupConfig was = dumper.dump(before, group);
        ConfigDumper.GroupConfig will = dumper.dump(after, group);
        Map<String, String> old = jsonById(was);
        Map<String, String> now = jsonById(will);
        TreeSet<String> changed = new TreeSet<>();
        TreeSet<String> ids = new TreeSet<>(old.keySet());
        ids.addAll(now.keySet());
        for (String id : ids) {
          if (!Objects.equals(old.get(id), now.get(id))) {
            changed.add(id + " " + (old.get(id) == null ? ChangeType.ADDED
                : now.get(id) == null ? ChangeType.REMOVED : ChangeType.CHANGED));
          }
        }
        boolean failingToday = before.services().containsKey(service) && !was.passesGate();
        boolean newlyFailing = !will.passesGate() && !failingToday;
        if (!changed.isEmpty() || newlyFailing) {
          out.add(group + " " + changed + " " + will.violations() + " " + newlyFailing);
        }
      }
    }
    return out;
  }

  private static Map<String, String> jsonById(ConfigDumper.GroupConfig config) {
    Map<String, String> out = new HashMap<>();
    config.resources().forEach(r -> out.put(r.typeUrl() + " " + r.name(), r.json()));
    return out;
  }

  private static String summary(GroupPlan plan) {
    TreeSet<String> changed = new TreeSet<>();
    plan.changes().forEach(c -> changed.add(c.typeUrl() + " " + c.name() + " " + c.type()));
    return plan.group() + " " + changed + " " + plan.violationsAfter() + " "
        + plan.newlyFailing();
  }
}
