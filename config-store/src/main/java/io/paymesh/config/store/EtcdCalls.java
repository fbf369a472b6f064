package io.paymesh.config.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking calls on jetcd futures with a deadline, failures as {@link PolicyStoreException}. Public
 * only so the audit package reads etcd the same way; not part of the store's API.
 */
public final class EtcdCalls {
  private EtcdCalls() {}

  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PolicyStoreException(what + " failed: " + describe(e.getCause()), e.getCause());
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new PolicyStoreException(what + " timed out after " + timeout, e);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new PolicyStoreException(what + " interrupted", e);
    }
  }

  /**
   * The failure and, if different, its root cause: jetcd reports a refused login as a bare
   * {@code UNAUTHENTICATED} status whose cause carries etcd's reason ("authentication failed,
   * invalid user ID or password").
   */
  public static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == error ? String.valueOf(error) : error + " (" + root.getMessage() + ")";
  }

  /**
   * Like {@link #await}, for the one call of a write that changes etcd (its transaction). A failure
   * that etcd answered itself (a refusal such as a request too large or a permission denied)
   * changed nothing and is a plain {@link PolicyStoreException}; any other failure (no answer in
   * time, connection lost, etcd unavailable or stopping, interrupted) may have come after etcd
   * applied the transaction and is a {@link CommitOutcomeUnknownException}.
   */
  public static <T> T awaitCommit(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return await(future, timeout, what);
    } catch (PolicyStoreException e) {
      if (refusedBeforeApplying(e.getCause())) {
        throw e;
      }
      throw new CommitOutcomeUnknownException(what + ": outcome unknown, " + e.getMessage(),
          e.getCause());
    }
  }

  /**
   * etcd applies a request only after validating it (size, auth, txn shape), so these answers
   * come from etcd itself and mean nothing was applied. UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED,
   * UNKNOWN, INTERNAL and RESOURCE_EXHAUSTED (which gRPC also raises on the client for a response)
   * do not say that, so they count as unknown.
   */
  private static boolean refusedBeforeApplying(Throwable cause) {
    if (!(cause instanceof EtcdException etcd)) {
      return false;
    }
    return switch (etcd.getErrorCode()) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, PERMISSION_DENIED,
          UNAUTHENTICATED, ALREADY_EXISTS, NOT_FOUND -> true;
      default -> false;
    };
  }

  public static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** True when etcd answered that a lease does not exist (expired or revoked). */
  public static boolean isLeaseNotFound(Throwable error) {
    Throwable cause = error instanceof PolicyStoreException ? error.getCause() : error;
    return cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND;
  }

  public static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }
}
