package io.paymesh.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.etcd.jetcd.Client;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/**
 * Where the policy lives: the etcd cluster and the key prefix, the same values the xds-servers
 * use (etcd layout in DESIGN.md section 3). Bound from the {@code etcd:} block of the config.
 *
 * @param requestTimeout how long one etcd request (e.g. the health probe) may take before the
 *     admin API reports etcd as unreachable instead of hanging its caller
 */
public record EtcdSettings(
    @JsonProperty("endpoints") @NotEmpty List<@NotBlank String> endpoints,
    @JsonProperty("prefix") @NotBlank String prefix,
    @JsonProperty("requestTimeout") Duration requestTimeout) {

  public static final String DEFAULT_PREFIX = "/paymesh/";
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.seconds(2);

  public EtcdSettings {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    prefix = prefix == null ? DEFAULT_PREFIX : prefix;
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
  }

  /** A client for these endpoints; it connects lazily, on its first request. */
  public Client newClient() {
    return Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
  }
}
