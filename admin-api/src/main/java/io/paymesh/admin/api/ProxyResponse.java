package io.paymesh.admin.api;

import java.util.Map;

/**
 * One connected proxy as an xds-server replica recorded it in etcd: its group, the version it
 * ACKed per type URL and its last NACK (with Envoy's or grpc-java's error text).
 */
public record ProxyResponse(String nodeId, String service, String client, String form,
    String replica,
    Map<String, String> ackedVersions, Nack lastNack, long nackCount, String connectedAt,
    String updatedAt) {

  public ProxyResponse {
    ackedVersions = Map.copyOf(ackedVersions);
  }

  public record Nack(String typeUrl, String version, String errorDetail, String at) {}
}
