package io.paymesh.admin;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.paymesh.config.store.EtcdAuth;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.store.EtcdTls;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code etcd:} block of the admin API's config file: where the policy lives (the same
 * endpoints and prefix as the xds-servers use), how to reach it (TLS, client certificate, etcd
 * user: see {@link EtcdSettings}) and how long one etcd request may take.
 *
 * @param requestTimeout how long one etcd request (e.g. the health probe) may take before the
 *     admin API reports etcd as unreachable instead of hanging its caller
 * @param tls etcd's CA, and this API's client certificate and key; absent for plaintext
 * @param auth the etcd user and where its password is (a file or an environment variable; the
 *     password is not written into this file, so this record never holds it)
 */
public record EtcdConfiguration(
    @JsonProperty("endpoints") @NotEmpty List<@NotBlank String> endpoints,
    @JsonProperty("prefix") @NotBlank String prefix,
    @JsonProperty("requestTimeout") Duration requestTimeout,
    @JsonProperty("tls") EtcdTls tls,
    @JsonProperty("auth") EtcdAuth auth) {

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.seconds(2);

  public EtcdConfiguration {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    prefix = prefix == null ? EtcdSettings.DEFAULT_PREFIX : prefix;
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
  }

  /** Plaintext, no etcd user. */
  public EtcdConfiguration(List<String> endpoints, String prefix, Duration requestTimeout) {
    this(endpoints, prefix, requestTimeout, null, null);
  }

  /**
   * The store's view of these settings, checked: files are read and the password's source looked
   * at, so a wrong setting stops the start with its path instead of failing the first request.
   *
   * @throws IllegalArgumentException naming every problem as {@code etcd.<field>: <what>}
   */
  public EtcdSettings settings() {
    EtcdSettings settings = new EtcdSettings(endpoints, prefix, tls, auth);
    List<EtcdSettings.Problem> problems = settings.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(problems.stream().map(p -> p.at("etcd"))
          .collect(Collectors.joining("; ")));
    }
    return settings;
  }
}
