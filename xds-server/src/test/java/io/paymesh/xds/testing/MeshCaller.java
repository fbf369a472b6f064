package io.paymesh.xds.testing;

import io.grpc.StatusRuntimeException;
import io.paymesh.xds.translate.ClientFamily;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A proxyless caller of one host in a {@link Mesh}, whichever gRPC implementation it is, so one
 * scenario runs unchanged against grpc-java ({@link XdsTestClient}, in this JVM) and C-core or
 * grpc-js ({@link ExternalXdsClient}, processes of their own). Calls are GetPayment RPCs, each
 * answered with the name of the backend that took it.
 */
public interface MeshCaller {
  /** The deadline of every call: long enough for a held call, short next to the test's waits. */
  Duration DEADLINE = Duration.ofSeconds(5);

  /** The gRPC implementations a test can call through. */
  enum Implementation {
    GRPC_JAVA(ClientFamily.GRPC_JAVA),
    C_CORE(ClientFamily.GRPC_CORE),
    GRPC_JS(ClientFamily.GRPC_JS);

    private final ClientFamily family;

    Implementation(ClientFamily family) {
      this.family = family;
    }

    /** The family the xds-server serves this implementation as. */
    public ClientFamily family() {
      return family;
    }
  }

  Implementation implementation();

  /** The backend that answered one call, or null when the call failed. */
  default String tryCall() {
    return calls(1).get(0);
  }

  /** {@code count} calls one after the other: each answering backend, null for a failed call. */
  List<String> calls(int count);

  /** What to attach to a failure: for a process, the tail of its log. */
  String diagnostics();

  /** A grpc-java client calling {@code xds:///host}. */
  static MeshCaller of(XdsTestClient client) {
    return new MeshCaller() {
      @Override
      public Implementation implementation() {
        return Implementation.GRPC_JAVA;
      }

      @Override
      public List<String> calls(int count) {
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          try {
            replies.add(client.call(PaymentsRpc.GET_PAYMENT, Map.of(), DEADLINE));
          } catch (StatusRuntimeException e) {
            replies.add(null);
          }
        }
        return replies;
      }

      @Override
      public String diagnostics() {
        return "grpc-java client in this JVM";
      }
    };
  }

  /** A C-core or grpc-js process calling {@code xds:///host}. */
  static MeshCaller of(ExternalXdsClient client, String host) {
    Implementation implementation = client.family() == ExternalXdsClient.Family.C_CORE
        ? Implementation.C_CORE : Implementation.GRPC_JS;
    return new MeshCaller() {
      @Override
      public Implementation implementation() {
        return implementation;
      }

      @Override
      public List<String> calls(int count) {
        return client.calls(host, PaymentsRpc.GET_PAYMENT.getFullMethodName(), Map.of(), DEADLINE,
                count, false).stream()
            .map(r -> r.ok() ? r.reply() : null)
            .toList();
      }

      @Override
      public String diagnostics() {
        return client + (client.isAlive() ? "" : " (exited)") + ", its log:\n" + client.logTail();
      }
    };
  }
}
