package io.paymesh.config.store;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.etcd.jetcd.api.TxnRequest;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fault on a real etcd client: while armed, every transaction that writes goes to etcd and is
 * applied there, but its answer is lost on the way back and the caller sees UNAVAILABLE, as when
 * etcd stops or the connection breaks between applying a write and answering it. Read-only
 * transactions pass.
 */
final class LostTxnAnswers implements ClientInterceptor {
  private static final String TXN = "etcdserverpb.KV/Txn";

  private final AtomicBoolean armed = new AtomicBoolean();

  void arm() {
    armed.set(true);
  }

  void disarm() {
    armed.set(false);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    ClientCall<Q, R> call = next.newCall(method, options);
    if (!armed.get() || !TXN.equals(method.getFullMethodName())) {
      return call;
    }
    AtomicBoolean writes = new AtomicBoolean();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onMessage(R message) {
            if (!writes.get()) {
              super.onMessage(message);
            }
            // else: etcd answered, so the transaction was applied; the answer goes missing
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            super.onClose(writes.get() ? Status.UNAVAILABLE.withDescription("answer lost") : status,
                trailers);
          }
        }, headers);
      }

      @Override
      public void sendMessage(Q message) {
        writes.set(message instanceof TxnRequest txn && txn.getSuccessList().stream()
            .anyMatch(op -> op.hasRequestPut() || op.hasRequestDeleteRange()));
        super.sendMessage(message);
      }
    };
  }
}
