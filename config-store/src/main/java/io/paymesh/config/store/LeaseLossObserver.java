package io.paymesh.config.store;

import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a jetcd lease keep-alive and reports only its loss. jetcd renews the lease and restarts
 * its stream by itself; the owner of leased keys (endpoint registrations, proxy status records)
 * must act only when etcd says the lease is gone, or when jetcd gives up on it after its TTL.
 */
public final class LeaseLossObserver implements StreamObserver<LeaseKeepAliveResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseLossObserver.class);

  private final String what;
  private final Runnable onLost;

  /**
   * @param what what the lease holds, for logs, e.g. {@code lease of /paymesh/endpoints/a/1}
   * @param onLost called (on a jetcd thread: hand the work to your own) when the lease is gone
   */
  public LeaseLossObserver(String what, Runnable onLost) {
    this.what = what;
    this.onLost = onLost;
  }

  @Override
  public void onNext(LeaseKeepAliveResponse response) {
    // renewed; nothing to do
  }

  @Override
  public void onError(Throwable error) {
    if (EtcdCalls.isLeaseNotFound(error)) {
      LOG.warn("{} expired", what);
      onLost.run();
    } else {
      LOG.debug("keep-alive of {} interrupted: {}", what, error.toString());
    }
  }

  @Override
  public void onCompleted() {
    // jetcd completes a keep-alive whose lease passed its deadline without renewal.
    LOG.warn("keep-alive of {} lapsed", what);
    onLost.run();
  }
}
