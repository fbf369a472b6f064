package io.paymesh.xds.testing;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC backend on a loopback port that answers every payments RPC with its own name and
 * counts the calls it received.
 */
public final class TestBackend implements AutoCloseable {
  private final String name;
  private final Server server;
  private final AtomicInteger calls = new AtomicInteger();

  private TestBackend(String name) throws IOException {
    this.name = name;
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(paymentsService(name, calls))
            .build()
            .start();
  }

  /** The payments API answering every RPC with {@code name}, counting calls in {@code calls}. */
  static ServerServiceDefinition paymentsService(String name, AtomicInteger calls) {
    ServerCalls.UnaryMethod<String, String> reply = (request, response) -> {
      calls.incrementAndGet();
      response.onNext(name);
      response.onCompleted();
    };
    return ServerServiceDefinition.builder(PaymentsRpc.SERVICE)
        .addMethod(PaymentsRpc.CHARGE, ServerCalls.asyncUnaryCall(reply))
        .addMethod(PaymentsRpc.GET_PAYMENT, ServerCalls.asyncUnaryCall(reply))
        .addMethod(PaymentsRpc.REFUND, ServerCalls.asyncUnaryCall(reply))
        .build();
  }

  public static TestBackend start(String name) throws IOException {
    return new TestBackend(name);
  }

  public String name() {
    return name;
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  public int calls() {
    return calls.get();
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
