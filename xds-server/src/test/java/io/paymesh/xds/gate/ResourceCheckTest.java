package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A per-resource check walks an instance it passed only once, judges a refused one every time
 * (every violation is still reported), tells equal instances apart (memory by identity), and keeps
 * client families apart when its verdict depends on them; of a route configuration whose virtual
 * hosts it passed before, it judges only what is around them.
 */
class ResourceCheckTest {
  private static final ProxyGroup GRPC_JAVA = ProxyGroup.proxyless("checkout");
  private static final ProxyGroup GRPC_JS = new ProxyGroup("checkout", ClientFamily.GRPC_JS);

  /** Refuses clusters and route configurations named "bad"; counts what it walks. */
  private static final class CountingCheck extends ResourceCheck {
    final List<Message> judged = new ArrayList<>();
    private final boolean perClient;

    CountingCheck(boolean perClient) {
      this.perClient = perClient;
    }

    @Override
    public String invariant() {
      return "test";
    }

    @Override
    boolean dependsOnClient() {
      return perClient;
    }

    @Override
    void judge(String resource, Message message, ClientFamily client, List<GateViolation> out) {
      judged.add(message);
      if (message instanceof Cluster c && c.getName().equals("bad")) {
        out.add(new GateViolation(resource, "test", "bad cluster"));
      }
      if (message instanceof RouteConfiguration r && r.getName().equals("bad")) {
        out.add(new GateViolation(resource, "test",
            "bad route configuration of " + r.getVirtualHostsCount() + " virtual hosts"));
      }
    }
  }

  private final GroupResources resources = GateFixtures.translate(SIDECAR);
  private final int walkedPerCheck = resources.listeners().size() + resources.routes().size()
      + resources.clusters().size() + resources.secrets().size();

  @Test
  void aPassedInstance_isWalkedOnce() {
    CountingCheck check = new CountingCheck(false);

    List<GateViolation> first = check.check(PolicyFixtures.snapshot(), SIDECAR, resources);
    List<GateViolation> second = check.check(PolicyFixtures.snapshot(), SIDECAR, resources);

    assertThat(first).isEmpty();
    assertThat(second).isEmpty();
    assertThat(check.judged).hasSize(walkedPerCheck);
  }

  @Test
  void aRefusedInstance_isJudgedAndReportedEveryTime() {
    CountingCheck check = new CountingCheck(false);
    GroupResources bad = withCluster(Cluster.newBuilder().setName("bad").build());

    List<GateViolation> first = check.check(PolicyFixtures.snapshot(), SIDECAR, bad);
    int afterFirst = check.judged.size();
    List<GateViolation> second = check.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    GateViolation expected = new GateViolation("Cluster/bad", "test", "bad cluster");
    assertThat(first).containsExactly(expected);
    assertThat(second).containsExactly(expected);
    assertThat(check.judged.size() - afterFirst).isEqualTo(1);
  }

  @Test
  void anEqualButOtherInstance_isWalkedAgain() {
    CountingCheck check = new CountingCheck(false);
    Cluster one = Cluster.newBuilder().setName("payments").build();
    Cluster equal = Cluster.newBuilder().setName("payments").build();

    check.check(PolicyFixtures.snapshot(), SIDECAR, withCluster(one));
    int afterFirst = check.judged.size();
    check.check(PolicyFixtures.snapshot(), SIDECAR, withCluster(equal));

    assertThat(equal).isEqualTo(one).isNotSameAs(one);
    assertThat(check.judged.subList(afterFirst, check.judged.size())).containsExactly(equal);
  }

  @Test
  void aVerdictThatDependsOnTheClient_isRememberedPerFamily() {
    CountingCheck perClient = new CountingCheck(true);
    CountingCheck anyClient = new CountingCheck(false);

    for (CountingCheck check : List.of(perClient, anyClient)) {
      check.check(PolicyFixtures.snapshot(), GRPC_JAVA, resources);
      check.check(PolicyFixtures.snapshot(), GRPC_JS, resources);
      check.check(PolicyFixtures.snapshot(), GRPC_JS, resources);
    }

    assertThat(perClient.judged).hasSize(2 * walkedPerCheck);
    assertThat(anyClient.judged).hasSize(walkedPerCheck);
  }

  @Test
  void loadAssignments_areRememberedToo() {
    CountingCheck check = new CountingCheck(false);
    List<ClusterLoadAssignment> assignments = resources.endpoints();

    check.checkLoadAssignments(PolicyFixtures.snapshot(), SIDECAR, assignments);
    check.checkLoadAssignments(PolicyFixtures.snapshot(), SIDECAR, assignments);

    assertThat(assignments).isNotEmpty();
    assertThat(check.judged).hasSize(assignments.size());
  }

  @Test
  void aRouteConfigurationWhoseVirtualHostsPassedBefore_isJudgedWithoutThem() {
    CountingCheck check = new CountingCheck(false);
    VirtualHost payments = virtualHost("payments");
    VirtualHost ledger = virtualHost("ledger");

    check.check(PolicyFixtures.snapshot(), SIDECAR, withRoutes(routes("a", payments, ledger)));
    List<GateViolation> second = check.check(
        PolicyFixtures.snapshot(), SIDECAR, withRoutes(routes("b", ledger, payments)));

    assertThat(second).isEmpty();
    assertThat(check.judged).hasSize(2);
    assertThat(check.judged.get(1)).isEqualTo(RouteConfiguration.newBuilder().setName("b").build());
  }

  @Test
  void aVirtualHostNotPassedBefore_isJudgedWithItsWholeConfiguration() {
    CountingCheck check = new CountingCheck(false);
    VirtualHost payments = virtualHost("payments");
    RouteConfiguration withNewHost = routes("b", payments, virtualHost("ledger"));

    check.check(PolicyFixtures.snapshot(), SIDECAR, withRoutes(routes("a", payments)));
    check.check(PolicyFixtures.snapshot(), SIDECAR, withRoutes(withNewHost));

    assertThat(check.judged.get(1)).isSameAs(withNewHost);
  }

  @Test
  void aConfigurationRefusedAroundKnownVirtualHosts_isJudgedWholeAndReported() {
    CountingCheck check = new CountingCheck(false);
    VirtualHost payments = virtualHost("payments");
    RouteConfiguration bad = routes("bad", payments);

    check.check(PolicyFixtures.snapshot(), SIDECAR, withRoutes(routes("a", payments)));
    List<GateViolation> refused = check.check(PolicyFixtures.snapshot(), SIDECAR, withRoutes(bad));

    assertThat(refused).containsExactly(new GateViolation("RouteConfiguration/bad", "test",
        "bad route configuration of 1 virtual hosts"));
    assertThat(check.judged.get(check.judged.size() - 1)).isSameAs(bad);
  }

  @Test
  void theGate_refusesABadVirtualHostBesideOnesItPassed() {
    Gate gate = new Gate();
    GroupResources good = GateFixtures.translate(SIDECAR);
    RouteConfiguration outbound = good.routes().stream()
        .filter(r -> r.getVirtualHostsCount() > 1).findFirst().orElseThrow();
    // Envoy's field rules: a virtual host has at least one domain.
    RouteConfiguration withBadHost = outbound.toBuilder()
        .addVirtualHosts(VirtualHost.newBuilder().setName("no-domains")).build();
    List<RouteConfiguration> routes = new ArrayList<>(good.routes());
    routes.set(routes.indexOf(outbound), withBadHost);
    GroupResources bad = new GroupResources(good.listeners(), routes, good.clusters(),
        good.endpoints(), good.secrets());

    GateResult passed = gate.check(PolicyFixtures.snapshot(), SIDECAR, good);
    GateResult refused = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(passed.passed()).isTrue();
    assertThat(refused.violations()).singleElement().satisfies(v -> {
      assertThat(v.resource()).isEqualTo("RouteConfiguration/" + outbound.getName());
      assertThat(v.invariant()).isEqualTo(EnvoyFieldRulesCheck.INVARIANT);
      assertThat(v.message()).contains("virtual_hosts[" + outbound.getVirtualHostsCount() + "]");
    });
  }

  @Test
  void theGate_refusesTheSameBadResourceEveryTime() {
    Gate gate = new Gate();
    GroupResources good = GateFixtures.translate(SIDECAR);
    Secret withKey = Secret.newBuilder()
        .setName("psp-ca-bundle")
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setPrivateKey(DataSource.newBuilder().setInlineString("not really a key")))
        .build();
    GroupResources bad = new GroupResources(good.listeners(), good.routes(), good.clusters(),
        good.endpoints(), List.of(withKey));

    GateResult passed = gate.check(PolicyFixtures.snapshot(), SIDECAR, good);
    GateResult first = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);
    GateResult again = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(passed.passed()).isTrue();
    assertThat(first.violations()).contains(new GateViolation("Secret/psp-ca-bundle", "8",
        "key material given inline at tls_certificate.private_key; deliver it through SDS"));
    assertThat(again.violations()).isEqualTo(first.violations());
  }

  private GroupResources withCluster(Cluster cluster) {
    List<Cluster> clusters = new ArrayList<>(resources.clusters());
    clusters.add(cluster);
    return new GroupResources(resources.listeners(), resources.routes(), clusters,
        resources.endpoints(), resources.secrets());
  }

  private GroupResources withRoutes(RouteConfiguration routes) {
    return new GroupResources(List.of(), List.of(routes), List.of(), List.of(), List.of());
  }

  private static RouteConfiguration routes(String name, VirtualHost... hosts) {
    return RouteConfiguration.newBuilder().setName(name).addAllVirtualHosts(List.of(hosts))
        .build();
  }

  private static VirtualHost virtualHost(String host) {
    return VirtualHost.newBuilder().setName(host).addDomains(host)
        .addRoutes(Route.newBuilder().setName("default")).build();
  }
}
