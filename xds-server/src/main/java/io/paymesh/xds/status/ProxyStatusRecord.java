package io.paymesh.xds.status;

import io.paymesh.xds.translate.ProxyForm;
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
 * @param form the group's {@link ProxyForm} name (SIDECAR, PROXYLESS)
 * @param replica the id of the xds-server replica holding the proxy's ADS stream
 * @param ackedVersions per type URL, the version the proxy ACKed (sorted by type URL)
 */
public record ProxyStatusRecord(
    String nodeId,
    String service,
    String form,
    String replica,
    Map<String, String> ackedVersions,
    Optional<NackRecord> lastNack,
    long nackCount,
    Instant connectedAt,
    Instant updatedAt) {
  public ProxyStatusRecord {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(form, "form");
    Objects.requireNonNull(replica, "replica");
    ackedVersions = Collections.unmodifiableMap(new TreeMap<>(ackedVersions));
    Objects.requireNonNull(lastNack, "lastNack");
    Objects.requireNonNull(connectedAt, "connectedAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * The group the proxy is served from, e.g. to dump its config.
   *
   * @throws IllegalArgumentException if {@code form} is not a {@link ProxyForm} of this version
   */
  public ProxyGroup group() {
    return new ProxyGroup(service, ProxyForm.valueOf(form));
  }
}
