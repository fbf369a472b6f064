package io.paymesh.xds.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.xds.testing.Mesh;
import io.paymesh.xds.testing.PaymentsRpc;
import io.paymesh.xds.testing.Policies;
import io.paymesh.xds.testing.TestBackend;
import io.paymesh.xds.testing.XdsTestClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drill faults in a real grpc-java xDS client (gRFC A33): requests carrying the drill header get
 * the fault, every other request is untouched, and max_active_faults caps how many are faulted at
 * once.
 */
class FaultDrillTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration CONVERGE = Duration.ofSeconds(20);
  /** Far below the drill's 10s delay, far above an undelayed call on loopback. */
  private static final Duration SHORT = Duration.ofSeconds(2);
  private static final Duration LONG = Duration.ofSeconds(30);

  /**
   * Charges abort in drill psp-outage (the operator consented for this NON_IDEMPOTENT_WRITE
   * route); reads wait 10s in drill slow-psp, at most 2 at a time.
   */
  private static final String DRILLS = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: charge
            match: {path: {exact: /payments.v1.Payments/Charge}}
            destination: {target: payments-a}
            operation: NON_IDEMPOTENT_WRITE
            timeout: 3s
            fault:
              drill: psp-outage
              abort: {grpcStatus: UNAVAILABLE, percentage: 100}
              maxActiveFaults: 100
              allowNonIdempotentWrite: true
          - name: reads
            match: {path: {prefix: /}}
            destination: {target: payments-a}
            operation: READ
            timeout: 15s
            fault:
              drill: slow-psp
              delay: {duration: 10s, percentage: 100}
              maxActiveFaults: 2
      """;

  private Mesh mesh;
  private TestBackend backend;
  private XdsTestClient client;

  @BeforeEach
  void startMesh() throws Exception {
    mesh = Mesh.start(ETCD);
    backend = mesh.backend("payments-a", "backend-a");
    mesh.apply(Policies.SERVICES + "---\n" + DRILLS);
    client = mesh.client("checkout", "payments");
    await().atMost(CONVERGE).until(client::tryCharge, "backend-a"::equals);
  }

  @AfterEach
  void stopMesh() throws Exception {
    mesh.close();
  }

  private static Map<String, String> drill(String name) {
    return Map.of("x-paymesh-drill", name);
  }

  private Status chargeFailure(Map<String, String> headers) {
    return catchThrowableOfType(StatusRuntimeException.class,
        () -> client.call(PaymentsRpc.CHARGE, headers, LONG)).getStatus();
  }

  /**
   * A read expected to fail. Sent without a blocking stub on purpose: grpc-java (1.85) counts a
   * delayed call down twice when it is cancelled after its deadline failed it, and a blocking stub
   * cancels every call that fails; each such call would raise the process-wide fault cap by one.
   */
  private Status readFailure(Map<String, String> headers, Duration deadline) {
    ExecutionException failed = catchThrowableOfType(ExecutionException.class,
        () -> client.callAsync(PaymentsRpc.GET_PAYMENT, headers, deadline).get());
    return Status.fromThrowable(failed.getCause());
  }

  @Test
  void abortDrill_failsOnlyChargesThatAskForIt_beforeTheyLeaveTheClient() {
    int before = backend.calls();

    for (int i = 0; i < 10; i++) {
      Status status = chargeFailure(drill("psp-outage"));
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getDescription()).startsWith("RPC terminated due to fault injection");
    }
    assertThat(backend.calls()).as("aborted charges never reach the backend").isEqualTo(before);

    for (int i = 0; i < 50; i++) {
      assertThat(client.call(PaymentsRpc.CHARGE, Map.of(), LONG)).isEqualTo("backend-a");
      assertThat(client.call(PaymentsRpc.CHARGE, drill("another-drill"), LONG))
          .isEqualTo("backend-a");
      // The reads drill is not the charges' drill.
      assertThat(client.call(PaymentsRpc.CHARGE, drill("slow-psp"), LONG)).isEqualTo("backend-a");
    }
    assertThat(backend.calls()).isEqualTo(before + 150);
  }

  @Test
  void delayDrill_holdsOnlyReadsThatAskForIt_andNoMoreThanMaxActiveFaultsAtOnce()
      throws Exception {
    // Delayed 10s, a drill read misses a 2s deadline; the same read without the header does not.
    Status delayed = readFailure(drill("slow-psp"), SHORT);
    assertThat(delayed.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(delayed.getDescription()).contains("fault-injected delay");
    for (int i = 0; i < 20; i++) {
      assertThat(client.call(PaymentsRpc.GET_PAYMENT, Map.of(), SHORT)).isEqualTo("backend-a");
      assertThat(client.call(PaymentsRpc.GET_PAYMENT, drill("psp-outage"), SHORT))
          .isEqualTo("backend-a");
    }

    // Two drill reads in their delay fill maxActiveFaults: a third is not delayed.
    List<ListenableFuture<String>> held = List.of(
        client.callAsync(PaymentsRpc.GET_PAYMENT, drill("slow-psp"), LONG),
        client.callAsync(PaymentsRpc.GET_PAYMENT, drill("slow-psp"), LONG));
    int reached = backend.calls();
    assertThat(client.call(PaymentsRpc.GET_PAYMENT, drill("slow-psp"), SHORT))
        .isEqualTo("backend-a");
    assertThat(held).noneMatch(ListenableFuture::isDone);
    assertThat(backend.calls()).as("only the third read went out").isEqualTo(reached + 1);

    // Once they are gone (cancelled in their delay, counted down once), drill reads are delayed
    // again.
    held.forEach(call -> call.cancel(true));
    assertThat(readFailure(drill("slow-psp"), SHORT).getCode())
        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }
}
