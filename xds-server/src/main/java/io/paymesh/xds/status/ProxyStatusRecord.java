package io.paymesh.xds.status;

import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One connected proxy as an xds-server replica publishes it in etcd for the admin API: its node
 * and group, the replica serving it, the version it ACKed per type URL and its last NACK.
 *
 * @param client the group's {@link ClientFamily} name (ENVOY, GRPC_JAVA, GRPC_JS, GRPC_CORE)
 * @param replica the id of the xds-server replica holding the proxy's ADS stream
 * @param ackedVersions per type URL, the version the proxy ACKed (sorted by type URL)
 */
public record ProxyStatusRecord(
    String nodeId,
    String service,
    String client,
    String replica,
    Map<String, String> ackedVersions,
    Optional<NackRecord> lastNack,
    long nackCount,
    Instant connectedAt,
    Instant updatedAt) {
  public ProxyStatusRecord {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(replica, "replica");
    ackedVersions = Collections.unmodifiableMap(new TreeMap<>(ackedVersions));
    Objects.requireNonNull(lastNack, "lastNack");
    Objects.requireNonNull(connectedAt, "connectedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * The group the proxy is served from, e.g. to dump its config.
   *
   * @throws IllegalArgumentException if {@code client} is not a {@link ClientFamily} of this
   *     version
   */
  public ProxyGroup group() {
    return new ProxyGroup(service, ClientFamily.valueOf(client));
  }
}
