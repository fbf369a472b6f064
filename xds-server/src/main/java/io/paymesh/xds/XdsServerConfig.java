package io.paymesh.xds;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paymesh.config.store.EtcdSettings;
import io.paymesh.config.validation.Durations;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The xds-server's YAML config file: where ADS listens, which etcd to read and under which prefix,
 * how long to coalesce bursts of etcd events, and the replica's name in the proxy status it
 * publishes. Unknown keys are an error, not ignored.
 *
 * <pre>
 * ads: {host: 0.0.0.0, port: 18000}
 * etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
 * coalesceWindow: 100ms
 * replicaId: xds-1      # optional, default &lt;hostname&gt;-&lt;pid&gt;
 * </pre>
 */
public record XdsServerConfig(Ads ads, EtcdSettings etcd, String coalesceWindow, String replicaId) {
  public record Ads(String host, int port) {}

  /** Without a resolvable hostname the pid alone still tells replicas on one machine apart. */
  private static final String UNKNOWN_HOST = "xds-server";

  public static XdsServerConfig load(Path file) throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    XdsServerConfig config;
    try {
      config = yaml.readValue(file.toFile(), XdsServerConfig.class);
    } catch (JsonMappingException e) {
      throw new IllegalArgumentException(file + ": " + describe(e), e);
    }
    List<String> errors = config.problems();
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + String.join("; ", errors));
    }
    return config;
  }

  /** Jackson's message names the field path; a constructor's own message is clearer when set. */
  private static String describe(JsonMappingException e) {
    String path = e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
        .orElse("");
    Throwable cause = e.getCause();
    String message = cause instanceof IllegalArgumentException ? cause.getMessage()
        : e.getOriginalMessage();
    return path.isEmpty() ? message : path + ": " + message;
  }

  /** Every problem, each prefixed with its path. */
  List<String> problems() {
    List<String> errors = new ArrayList<>();
    if (ads == null) {
      errors.add("ads: required");
    } else {
      if (ads.host() == null || ads.host().isBlank()) {
        errors.add("ads.host: required");
      }
      if (ads.port() < 0 || ads.port() > 65535) {
        errors.add("ads.port: must be between 0 and 65535");
      }
    }
    if (etcd == null) {
      errors.add("etcd: required");
    }
    if (coalesceWindow == null || Durations.parse(coalesceWindow).isEmpty()) {
      errors.add("coalesceWindow: must be a duration like 100ms or 1s");
    }
    if (replicaId != null && replicaId.isBlank()) {
      errors.add("replicaId: must not be blank (leave it out for <hostname>-<pid>)");
    }
    return errors;
  }

  /** The configured replica id, else {@link #defaultReplicaId()}. */
  public String replicaIdOrDefault() {
    return replicaId != null ? replicaId : defaultReplicaId();
  }

  /**
   * {@code <hostname>-<pid>}: unique per process on a host, and names the pod or machine an
   * operator would look at when a proxy's status points at this replica.
   */
  public static String defaultReplicaId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = UNKNOWN_HOST;
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  public Duration coalesceWindowDuration() {
    return Durations.parse(coalesceWindow).orElseThrow();
  }
}
