package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.MeshCaller;
import io.paymesh.xds.testing.MeshCaller.Implementation;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Endpoint priorities with real traffic, in every proxyless implementation: payments-a has two
 * instances registered at priority 0 and a standby at priority 1. Calls go to priority 0 only;
 * when both priority-0 instances stop (their registrations stay, as for processes that died
 * before their leases ran out) calls succeed on the standby, which the client finds on its own;
 * when new instances are registered at priority 0, calls go back to them.
 */
class PriorityFailoverTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  /** Calls in a row that must all land where the test says. */
  private static final int WINDOW = 20;

  /** Every call to payments-a; a long timeout, as C-core 1.51 ends calls early otherwise. */
  private static final String ROUTE_ALL_TO_A = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: all
            match: {path: {prefix: /}}
            destination: {target: payments-a}
            operation: READ
            timeout: 10s
      """;

  private Mesh mesh;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  @ParameterizedTest
  @EnumSource(Implementation.class)
  void priorityZeroStops_callsSucceedOnPriorityOne_andReturnWhenPriorityZeroIsBack(
      Implementation implementation) throws Exception {
    TestBackend first = mesh.backend("payments-a", "p0-first", 0);
    TestBackend second = mesh.backend("payments-a", "p0-second", 0);
    TestBackend standby = mesh.backend("payments-a", "p1-standby", 1);
    mesh.apply(Policies.SERVICES + "---\n" + ROUTE_ALL_TO_A);
    MeshCaller caller = mesh.caller(implementation, "checkout", "payments");
    ProxyGroup group = new ProxyGroup("checkout", implementation.family());
    await().atMost(CONVERGE).until(caller::tryCall, Objects::nonNull);
    mesh.awaitInSync(group, CONVERGE);

    assertThat(caller.calls(WINDOW)).as(caller::diagnostics)
        .isSubsetOf("p0-first", "p0-second");
    assertThat(standby.calls()).isZero();

    first.close();
    second.close();

    await().atMost(CONVERGE).until(caller::tryCall, "p1-standby"::equals);
    assertThat(caller.calls(WINDOW)).as(caller::diagnostics).containsOnly("p1-standby");

    mesh.backend("payments-a", "p0-third", 0);
    mesh.backend("payments-a", "p0-fourth", 0);

    Set<String> priorityZero = Set.of("p0-third", "p0-fourth");
    await().atMost(CONVERGE).until(caller::tryCall, priorityZero::contains);
    int standbyCalls = standby.calls();
    assertThat(caller.calls(WINDOW)).as(caller::diagnostics).isSubsetOf(priorityZero);
    assertThat(standby.calls()).isEqualTo(standbyCalls);
    mesh.assertNoNacks(group);
  }
}
