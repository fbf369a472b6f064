package io.paymesh.demo.client;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The demo payments API as the demo backends (xds-server's DemoBackend) serve it: unary
 * {@code payments.v1.Payments} methods whose messages are UTF-8 strings, the reply being the name
 * of the backend that answered. Kept here rather than shared, so this app does not depend on the
 * control plane.
 */
final class PaymentsApi {
  static final String SERVICE = "payments.v1.Payments";
  static final List<String> METHODS = List.of("Charge", "Refund", "GetPayment");

  private PaymentsApi() {}

  static MethodDescriptor<String, String> method(String name) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
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
