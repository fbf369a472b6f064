package io.paymesh.config.store;

import io.paymesh.config.model.EnvoyLimits;

/**
 * A registered instance of a service, stored leased under {@code <prefix>endpoints/<service>/<id>}
 * so it disappears when its owner stops renewing the lease.
 *
 * @param weight relative load-balancing weight, at least 1
 * @param priority failover level, 0 (the default, served first) to
 *     {@link EnvoyLimits#MAX_PRIORITY}: callers send to the lowest level that has healthy
 *     instances and move to the next one only when it has none (Envoy's and gRPC's EDS
 *     priorities)
 */
public record Endpoint(
    String service, String id, String address, int port, String zone, int weight, int priority) {

  /** An instance at priority 0, as every registration was before priorities existed. */
  public Endpoint(String service, String id, String address, int port, String zone, int weight) {
    this(service, id, address, port, zone, weight, 0);
  }
}
