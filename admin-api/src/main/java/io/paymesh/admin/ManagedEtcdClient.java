package io.paymesh.admin;

import io.dropwizard.lifecycle.Managed;
import io.etcd.jetcd.Client;

/**
 * Ties the shared etcd client to the application's lifecycle, so that its gRPC channel and
 * threads are released when the server stops (and not before in-flight requests finish).
 */
final class ManagedEtcdClient implements Managed {

  private final Client client;

  ManagedEtcdClient(Client client) {
    this.client = client;
  }

  @Override
  public void start() {
    // Nothing to do: jetcd connects on the first request, and etcd being down at start-up must
    // not stop the admin API from starting and reporting it through /healthcheck.
  }

  @Override
  public void stop() {
    client.close();
  }
}
