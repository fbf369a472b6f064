package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.ExternalXdsClient;
import io.paymesh.xds.testing.ExternalXdsClient.Family;
import io.paymesh.xds.testing.ExternalXdsClient.Result;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A Service's outlier detection and circuit breakers, as gRPC C-core and grpc-js apply them to
 * real backends (ResilienceTest does the same for grpc-java): failure percentage ejection moves
 * every call off a failing backend while consecutive5xx alone ejects nothing, outlier detection's
 * timer runs without harm, and a third concurrent call over {@code maxRequests: 2} fails at once
 * without reaching the backend. None of these configs is refused (no NACK).
 * Plaintext calls to plain gRPC backends, as in the grpc-java routing tests.
 */
class ExternalClientsResilienceTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(30);
  private static final Duration DEADLINE = Duration.ofSeconds(5);
  /** How long a call held at the backend waits before its client gives up on it. */
  private static final Duration HELD_CALL_DEADLINE = Duration.ofSeconds(3);
  private static final String GET_PAYMENT = PaymentsRpc.GET_PAYMENT.getFullMethodName();
  private static final String PAYMENTS_A_IDENTITY =
      "identity: spiffe://paymesh.local/ns/payments/sa/payments-a";

  /**
   * Every call to payments-a. The timeout is long: C-core 1.51 ends calls 1 to 2 s before a
   * route's max_stream_duration, and the circuit breaker test holds calls at the backend.
   */
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
            timeout: 30s
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

  /** The test services, payments-a with {@code resilience} (YAML lines of its spec). */
  private void applyWithPaymentsA(String resilience) throws Exception {
    mesh.apply(Policies.SERVICES.replace(PAYMENTS_A_IDENTITY,
            PAYMENTS_A_IDENTITY + "\n" + resilience.indent(2).stripTrailing())
        + "---\n" + ROUTE_ALL_TO_A);
  }

  /** A client of checkout whose config has caught up with the policy now in etcd. */
  private ExternalXdsClient connectedClient(Family family) throws Exception {
    ExternalXdsClient client = mesh.externalClient(family, "checkout");
    await().atMost(CONVERGE).untilAsserted(() ->
        assertThat(call(client).ok()).as("%s; its log:%n%s", client, client.logTail()).isTrue());
    mesh.awaitInSync(new ProxyGroup("checkout", familyOf(client)), CONVERGE);
    return client;
  }

  private static ClientFamily familyOf(ExternalXdsClient client) {
    return client.family() == Family.C_CORE ? ClientFamily.GRPC_CORE : ClientFamily.GRPC_JS;
  }

  private static Result call(ExternalXdsClient client) {
    return client.call("payments", GET_PAYMENT, Map.of(), DEADLINE);
  }

  private static List<Result> calls(ExternalXdsClient client, int count) {
    return client.calls("payments", GET_PAYMENT, Map.of(), DEADLINE, count, false);
  }

  /**
   * Success-rate ejection is on in every gRPC client unless enforcing_success_rate is 0, and its
   * timer runs every interval. grpc-js-xds 1.14 read an unset success_rate_* field as undefined
   * instead of its default and crashed the process at the first interval ("Reduce of empty array
   * with no initial value"); paymesh now sends Envoy's defaults explicitly.
   */
  @ParameterizedTest
  @EnumSource(Family.class)
  void outlierDetection_intervalsPassWithTheClientAliveAndServing(Family family)
      throws Exception {
    mesh.backend("payments-a", "backend-a");
    mesh.backend("payments-a", "backend-b");
    applyWithPaymentsA("""
        outlierDetection: {consecutive5xx: 5, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50}
        """);
    ExternalXdsClient client = connectedClient(family);

    // Five detection intervals, with calls in each; a dead process fails the call with its log.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(calls(client, 5)).extracting(Result::code).containsOnly("OK"));

    assertThat(client.isAlive()).as("%s; its log:%n%s", client, client.logTail()).isTrue();
    assertThat(calls(client, 10)).extracting(Result::reply)
        .containsOnly("backend-a", "backend-b");
    mesh.assertNoNacks(new ProxyGroup("checkout", familyOf(client)));
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void failurePercentage_ejectsTheFailingBackend_soEveryCallReachesTheHealthyOne(Family family)
      throws Exception {
    TestBackend healthy = mesh.backend("payments-a", "healthy");
    TestBackend failing = mesh.backend("payments-a", "failing");
    applyWithPaymentsA("""
        outlierDetection:
          consecutive5xx: 5
          interval: 1s
          baseEjectionTime: 30s
          maxEjectionPercent: 50
          failurePercentage: {threshold: 50, minimumHosts: 2, requestVolume: 10}
        """);
    ExternalXdsClient client = connectedClient(family);
    await().atMost(CONVERGE).until(() -> {
      call(client);
      return healthy.calls() > 0 && failing.calls() > 0;
    });
    int failingBefore = failing.calls();

    failing.failWith(Status.UNAVAILABLE.withDescription("processor down"));

    // Within a detection interval or two of enough calls, 20 calls in a row all succeed.
    await().atMost(CONVERGE).until(() -> calls(client, 20).stream().allMatch(Result::ok));
    int failingAfterEjection = failing.calls();
    assertThat(failingAfterEjection).as("it was ejected for failing").isGreaterThan(failingBefore);
    assertThat(calls(client, 50)).extracting(Result::code, Result::reply)
        .containsOnly(org.assertj.core.groups.Tuple.tuple("OK", "healthy"));
    assertThat(failing.calls()).isEqualTo(failingAfterEjection);
    mesh.assertNoNacks(new ProxyGroup("checkout", familyOf(client)));
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void consecutive5xxAlone_ejectsNothing_theFailingBackendKeepsGettingCalls(Family family)
      throws Exception {
    TestBackend healthy = mesh.backend("payments-a", "healthy");
    TestBackend failing = mesh.backend("payments-a", "failing");
    applyWithPaymentsA("""
        outlierDetection: {consecutive5xx: 1, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 50}
        """);
    ExternalXdsClient client = connectedClient(family);
    await().atMost(CONVERGE).until(() -> {
      call(client);
      return healthy.calls() > 0 && failing.calls() > 0;
    });

    failing.failWith(Status.UNAVAILABLE.withDescription("processor down"));

    // Envoy would eject it after one error; gRPC has no consecutive-errors ejection (gRFC A50),
    // and success rate needs 5 hosts. Over 4 detection intervals it keeps getting a share of
    // every 10 calls.
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> {
      int before = failing.calls();
      calls(client, 10);
      return failing.calls() > before;
    });
    mesh.assertNoNacks(new ProxyGroup("checkout", familyOf(client)));
  }

  /**
   * Both enforce max_requests on their own count of the cluster's calls in flight (grpc-java
   * does only with load reporting: ResilienceTest). Three calls 200 ms apart to a backend that
   * holds them: the first two are held, the third fails at once and never reaches the backend.
   */
  @ParameterizedTest
  @EnumSource(Family.class)
  void maxRequests_aThirdConcurrentCallFailsAtOnce_withoutReachingTheBackend(Family family)
      throws Exception {
    TestBackend backend = mesh.backend("payments-a", "backend-a");
    applyWithPaymentsA("""
        circuitBreakers: {maxConnections: 100, maxPendingRequests: 100, maxRequests: 2, maxRetries: 3}
        """);
    ExternalXdsClient client = connectedClient(family);
    int callsBefore = backend.calls();

    backend.hold();
    List<Result> results = client.calls("payments", GET_PAYMENT, Map.of(), HELD_CALL_DEADLINE, 3,
        true, "order-1", Duration.ofMillis(200));
    backend.release();

    // The first two waited at the backend until their deadline ended them (DEADLINE_EXCEEDED, or
    // CANCELLED when the backend, which sees the deadline too, gave up first).
    assertThat(results.subList(0, 2)).as("%s; its log:%n%s", client, client.logTail())
        .allSatisfy(held -> {
          assertThat(held.code()).isIn("DEADLINE_EXCEEDED", "CANCELLED");
          assertThat(held.elapsed()).isGreaterThan(HELD_CALL_DEADLINE.minusMillis(500));
        });
    assertThat(results.get(2).code()).as("%s", results.get(2)).isEqualTo("UNAVAILABLE");
    assertThat(results.get(2).elapsed()).as("the third call failed fast")
        .isLessThan(Duration.ofSeconds(1));
    assertThat(backend.calls()).as("calls that reached the backend while it held them")
        .isEqualTo(callsBefore + 2);
    // With nothing in flight any more, calls go through again.
    await().atMost(CONVERGE).until(() -> call(client).ok());
    mesh.assertNoNacks(new ProxyGroup("checkout", familyOf(client)));
  }
}
