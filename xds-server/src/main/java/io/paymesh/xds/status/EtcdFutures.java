package io.paymesh.xds.status;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.paymesh.config.store.PolicyStoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking jetcd calls with a deadline; failures become {@link PolicyStoreException}. */
final class EtcdFutures {
  private EtcdFutures() {}

  static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PolicyStoreException(what + " failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new PolicyStoreException(what + " timed out after " + timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new PolicyStoreException(what + " interrupted", e);
    }
  }

  /** True when etcd answered that a lease does not exist (expired or revoked). */
  static boolean isLeaseNotFound(Throwable error) {
    Throwable cause = error instanceof PolicyStoreException ? error.getCause() : error;
    return cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND;
  }

  static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
