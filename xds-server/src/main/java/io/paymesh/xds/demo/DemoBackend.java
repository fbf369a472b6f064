package io.paymesh.xds.demo;

import io.etcd.jetcd.Client;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.paymesh.config.store.Endpoint;
import io.paymesh.config.store.EndpointRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A demo payments backend: a plaintext gRPC server on 127.0.0.1 that answers every
 * {@code payments.v1.Payments} RPC (UTF-8 string messages, no generated code) with its instance
 * name and prints one line per call, registered in etcd as an instance of a policy Service under
 * a lease kept alive while it runs. Closing it revokes the lease first (the instance leaves the
 * mesh), then stops the server.
 */
public final class DemoBackend implements AutoCloseable {
  public static final String PAYMENTS_SERVICE = "payments.v1.Payments";
  public static final List<String> METHODS = List.of("Charge", "Refund", "GetPayment");
  private static final String ZONE = "local";

  private final Server server;
  private final EndpointRegistry registry;
  private final EndpointRegistry.Registration registration;
  private final AtomicLong calls = new AtomicLong();

  private DemoBackend(Client etcd, String prefix, String service, String instance, int port,
      Duration ttl, PrintStream callLog) throws IOException {
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .addService(payments(instance, calls, callLog))
        .build()
        .start();
    this.registry = new EndpointRegistry(etcd, prefix);
    try {
      this.registration = registry.register(
          new Endpoint(service, instance, "127.0.0.1", port(), ZONE, 1), ttl);
    } catch (RuntimeException e) {
      registry.close();
      server.shutdownNow();
      throw e;
    }
  }

  /** Starts serving on {@code port} (0: any free port) and registers the instance. */
  public static DemoBackend start(Client etcd, String prefix, String service, String instance,
      int port, Duration ttl, PrintStream callLog) throws IOException {
    return new DemoBackend(etcd, prefix, service, instance, port, ttl, callLog);
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** The etcd key of the registration. */
  public String key() {
    return registration.key();
  }

  public long calls() {
    return calls.get();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      registration.close();
      registry.close();
    } finally {
      server.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
    }
  }

  /** The unary method {@code method} of the demo payments API. */
  public static MethodDescriptor<String, String> method(String method) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(PAYMENTS_SERVICE, method))
        .setRequestMarshaller(Utf8.INSTANCE)
        .setResponseMarshaller(Utf8.INSTANCE)
        .build();
  }

  private static ServerServiceDefinition payments(String instance, AtomicLong calls,
      PrintStream callLog) {
    ServerServiceDefinition.Builder service = ServerServiceDefinition.builder(PAYMENTS_SERVICE);
    for (String method : METHODS) {
      service.addMethod(method(method), ServerCalls.asyncUnaryCall((request, reply) -> {
        callLog.println(instance + ": " + method + " #" + calls.incrementAndGet());
        reply.onNext(instance);
        reply.onCompleted();
      }));
    }
    return service.build();
  }

  /** Requests and replies are UTF-8 strings: no generated code on either side. */
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
