package io.paymesh.xds.status;

import java.time.Instant;
import java.util.Objects;

/**
 * The last config a proxy refused, as published in its status record: the type and version it
 * NACKed and the error detail it sent back (Envoy's or grpc-java's own words).
 */
public record NackRecord(String typeUrl, String version, String errorDetail, Instant at) {
  public NackRecord {
    Objects.requireNonNull(typeUrl, "typeUrl");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(errorDetail, "errorDetail");
    Objects.requireNonNull(at, "at");
  }
}
