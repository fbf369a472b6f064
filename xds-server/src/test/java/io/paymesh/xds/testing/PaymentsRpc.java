package io.paymesh.xds.testing;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * A tiny payments gRPC API for tests, without generated code: requests and replies are UTF-8
 * strings. Backends reply with their own name so a test can see where the mesh sent an RPC.
 */
public final class PaymentsRpc {
  public static final String SERVICE = "payments.v1.Payments";
  public static final MethodDescriptor<String, String> CHARGE = unary("Charge");
  public static final MethodDescriptor<String, String> GET_PAYMENT = unary("GetPayment");
  public static final MethodDescriptor<String, String> REFUND = unary("Refund");

  private PaymentsRpc() {}

  /** The unary method {@code method} of the payments service. */
  public static MethodDescriptor<String, String> unary(String method) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, method))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  private enum Utf8 implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
