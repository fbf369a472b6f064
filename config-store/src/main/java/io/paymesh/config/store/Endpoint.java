package io.paymesh.config.store;

/**
 * A registered instance of a service, stored leased under {@code <prefix>endpoints/<service>/<id>}
 * so it disappears when its owner stops renewing the lease.
 *
 * @param weight relative load-balancing weight, at least 1
 */
public record Endpoint(String service, String id, String address, int port, String zone, int weight) {}
