package io.paymesh.xds.testing;

import io.grpc.MethodDescriptor;
import io.paymesh.xds.demo.DemoBackend;

/**
 * A tiny payments gRPC API for tests, without generated code: requests and replies are UTF-8
 * strings. Backends reply with their own name so a test can see where the mesh sent an RPC. The
 * same API as the demo backends of scripts/run ({@link DemoBackend}), which defines it.
 */
public final class PaymentsRpc {
  public static final String SERVICE = DemoBackend.PAYMENTS_SERVICE;
  public static final MethodDescriptor<String, String> CHARGE = unary("Charge");
  public static final MethodDescriptor<String, String> GET_PAYMENT = unary("GetPayment");
  public static final MethodDescriptor<String, String> REFUND = unary("Refund");

  private PaymentsRpc() {}

  /** The unary method {@code method} of the payments service. */
  public static MethodDescriptor<String, String> unary(String method) {
    return DemoBackend.method(method);
  }
}
