package io.paymesh.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.paymesh.config.store.EtcdSettings;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/**
 * The {@code etcd:} block of the admin API's config file: where the policy lives (the same
 * endpoints and prefix as the xds-servers use) and how long one etcd request may take.
 *
 * @param requestTimeout how long one etcd request (e.g. the health probe) may take before the
 *     admin API reports etcd as unreachable instead of hanging its caller
 */
public record EtcdConfiguration(
    @JsonProperty("endpoints") @NotEmpty List<@NotBlank String> endpoints,
    @JsonProperty("prefix") @NotBlank String prefix,
    @JsonProperty("requestTimeout") Duration requestTimeout) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.seconds(2);

  public EtcdConfiguration {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    prefix = prefix == null ? EtcdSettings.DEFAULT_PREFIX : prefix;
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
  }

  /** The store's view of these settings; it rejects a malformed prefix. */
  public EtcdSettings settings() {
    return new EtcdSettings(endpoints, prefix);
  }
}
