package io.paymesh.xds;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a replica's CA issues identities: the mesh's trust domain (every Service identity it signs
 * must be in it), the lifetime of workload certificates, and the names clients dial to reach
 * the replica, which go into its own server certificate.
 */
public record IdentitySettings(
    String trustDomain, Duration workloadCertificateLifetime, List<String> serverNames) {

  public IdentitySettings {
    Objects.requireNonNull(trustDomain, "trustDomain");
    Objects.requireNonNull(workloadCertificateLifetime, "workloadCertificateLifetime");
    serverNames = List.copyOf(serverNames);
  }

  /** The SPIFFE ID in the replica's own server certificate, pinned by the Envoy bootstraps. */
  public String serverSpiffeId() {
    return "spiffe://" + trustDomain + "/paymesh/xds-server";
  }
}
