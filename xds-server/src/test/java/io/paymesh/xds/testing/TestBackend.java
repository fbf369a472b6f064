package io.paymesh.xds.testing;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC backend on a loopback port that answers every payments RPC with its own name and
 * counts the calls it received. A test can make it fail every call with a status, or hold calls
 * unanswered until it releases them (a slow backend, to fill a circuit breaker).
 */
public final class TestBackend implements AutoCloseable {
  private final String name;
  private final Server server;
  private final AtomicInteger calls = new AtomicInteger();
  private final Replies replies;

  private TestBackend(String name) throws IOException {
    this.name = name;
    this.replies = new Replies(name);
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(paymentsService(calls, replies))
            .build()
            .start();
  }

  /** The payments API answering every RPC with {@code name}, counting calls in {@code calls}. */
  static ServerServiceDefinition paymentsService(String name, AtomicInteger calls) {
    return paymentsService(calls, new Replies(name));
  }

  private static ServerServiceDefinition paymentsService(AtomicInteger calls, Replies replies) {
    ServerCalls.UnaryMethod<String, String> reply = (request, response) -> {
      calls.incrementAndGet();
      replies.reply(response);
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

  /** From now on every call fails with {@code status}; null answers normally again. */
  public void failWith(Status status) {
    replies.failure = status;
  }

  /** From now on calls are held unanswered until {@link #release()}. */
  public void hold() {
    replies.hold();
  }

  /** The number of calls held unanswered now. */
  public int held() {
    return replies.held.size();
  }

  /** Answers every held call and, from now on, every call at once. */
  public void release() {
    replies.release().forEach(replies::answer);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** How the backend answers: its name, a failure, or not yet. */
  private static final class Replies {
    private final String name;
    private final Queue<StreamObserver<String>> held = new ConcurrentLinkedQueue<>();
    private volatile Status failure;
    private boolean holding;

    Replies(String name) {
      this.name = name;
    }

    void reply(StreamObserver<String> call) {
      synchronized (this) {
        if (holding) {
          held.add(call);
          return;
        }
      }
      answer(call);
    }

    synchronized void hold() {
      holding = true;
    }

    /** Stops holding; returns the calls held so far, for the caller to answer. */
    synchronized List<StreamObserver<String>> release() {
      holding = false;
      List<StreamObserver<String>> calls = new ArrayList<>(held);
      held.clear();
      return calls;
    }

    void answer(StreamObserver<String> call) {
      Status status = failure;
      if (status != null) {
        call.onError(status.asRuntimeException());
        return;
      }
      call.onNext(name);
      call.onCompleted();
    }
  }
}
