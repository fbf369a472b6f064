package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdExceptionFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Which failures of a write's transaction leave its outcome unknown. */
class EtcdCallsTest {
  private static final Duration TIMEOUT = Duration.ofMillis(50);

  @Test
  void awaitCommit_whenEtcdRefusedTheRequest_reportsNothingChanged() {
    var refused = CompletableFuture.failedFuture(EtcdExceptionFactory.newEtcdException(
        ErrorCode.INVALID_ARGUMENT, "etcdserver: request is too large"));

    assertThatThrownBy(() -> EtcdCalls.awaitCommit(refused, TIMEOUT, "commit"))
        .isInstanceOf(PolicyStoreException.class)
        .isNotInstanceOf(CommitOutcomeUnknownException.class);
  }

  @Test
  void awaitCommit_whenEtcdBecameUnavailable_reportsTheOutcomeUnknown() {
    var lost = CompletableFuture.failedFuture(EtcdExceptionFactory.newEtcdException(
        ErrorCode.UNAVAILABLE, "connection closed"));

    assertThatThrownBy(() -> EtcdCalls.awaitCommit(lost, TIMEOUT, "commit"))
        .isInstanceOf(CommitOutcomeUnknownException.class)
        .hasMessageStartingWith("commit: outcome unknown");
  }

  @Test
  void awaitCommit_whenNoAnswerCameInTime_reportsTheOutcomeUnknown() {
    assertThatThrownBy(() -> EtcdCalls.awaitCommit(new CompletableFuture<>(), TIMEOUT, "commit"))
        .isInstanceOf(CommitOutcomeUnknownException.class);
  }
}
