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
import java.util.Optional;

/**
 * The xds-server's YAML config file: where ADS listens (mTLS, and a plaintext port only if asked
 * for), the workload CA, which etcd to read and under which prefix, how long to coalesce bursts
 * of etcd events, the replica's name in the proxy status it publishes, where it serves its
 * Prometheus metrics, if anywhere, and whether it builds its sidecars' config ahead. Unknown keys
 * are an error, not ignored.
 *
 * <pre>
 * ads: {host: 0.0.0.0, port: 18000}         # ADS and the workload identity API, mTLS
 * plaintextAds: {host: 127.0.0.1, port: 18001}  # optional, INSECURE: no client authentication
 * identity:
 *   trustDomain: paymesh.local
 *   caCertificate: /etc/paymesh/ca/ca.pem     # the signing CA (intermediate), then its parents
 *   caKey: /etc/paymesh/ca/ca-key.pem
 *   trustBundle: [/etc/paymesh/ca/root.pem]   # every CA workloads trust; several while rotating
 *   workloadCertificateLifetime: 1h
 *   serverNames: [xds-server, localhost, 127.0.0.1]  # DNS names and IPs clients dial
 * etcd: {endpoints: [http://127.0.0.1:2379], prefix: /paymesh/}
 * # etcd over TLS with a client certificate and an etcd user (see docs/security.md):
 * # etcd:
 * #   endpoints: [https://etcd-1:2379]
 * #   tls: {ca: /etc/paymesh/etcd/ca.pem, certificate: /etc/paymesh/etcd/xds-server.pem,
 * #         key: /etc/paymesh/etcd/xds-server-key.pem}   # key: unencrypted PKCS#8 PEM
 * #   auth: {user: paymesh-xds-server, passwordFile: /run/secrets/etcd-password}
 * #                                   # or passwordEnv: PAYMESH_ETCD_PASSWORD
 * coalesceWindow: 100ms
 * replicaId: xds-1      # optional, default &lt;hostname&gt;-&lt;pid&gt;
 * metrics: {host: 127.0.0.1, port: 9102}  # optional: Prometheus GET /metrics, plain HTTP;
 *                                         # host defaults to 127.0.0.1
 * buildSidecarsAhead: true  # optional, default true: at start, build every service's Envoy
 *                           # group before its sidecars ask (false: only when asked)
 * </pre>
 */
public record XdsServerConfig(
    Ads ads,
    Ads plaintextAds,
    Identity identity,
    EtcdSettings etcd,
    String coalesceWindow,
    String replicaId,
    Metrics metrics,
    Boolean buildSidecarsAhead) {
  public record Ads(String host, int port) {}

  /**
   * Where the Prometheus endpoint listens: plain HTTP, so loopback unless the host is given.
   * The port is required (no default port to collide with).
   */
  public record Metrics(String host, Integer port) {
    static final String DEFAULT_HOST = "127.0.0.1";

    public String hostOrDefault() {
      return host != null ? host : DEFAULT_HOST;
    }

    void addProblems(List<String> errors) {
      if (host != null && host.isBlank()) {
        errors.add("metrics.host: must not be blank (leave it out for " + DEFAULT_HOST + ")");
      }
      if (port == null) {
        errors.add("metrics.port: required (leave out metrics to serve none)");
      } else if (port < 0 || port > 65535) {
        errors.add("metrics.port: must be between 0 and 65535");
      }
    }
  }

  /** The workload CA this replica signs with, and the name it presents to its clients. */
  public record Identity(
      String trustDomain,
      String caCertificate,
      String caKey,
      List<String> trustBundle,
      String workloadCertificateLifetime,
      List<String> serverNames) {
    /** Shortest and longest workload certificate lifetimes accepted. */
    static final Duration MIN_LIFETIME = Duration.ofMinutes(5);
    static final Duration MAX_LIFETIME = Duration.ofHours(24);

    public Duration workloadCertificateLifetimeDuration() {
      return Durations.parseSetting(workloadCertificateLifetime).orElseThrow();
    }

    public IdentitySettings settings() {
      return new IdentitySettings(
          trustDomain, workloadCertificateLifetimeDuration(), serverNames);
    }

    void addProblems(List<String> errors) {
      if (trustDomain == null || !trustDomain.matches("[a-z0-9._-]+")) {
        errors.add("identity.trustDomain: required, lower-case letters, digits, '.', '-', '_'");
      }
      if (caCertificate == null || caCertificate.isBlank()) {
        errors.add("identity.caCertificate: required (PEM file of the signing CA)");
      }
      if (caKey == null || caKey.isBlank()) {
        errors.add("identity.caKey: required (PEM file of the signing CA's private key)");
      }
      if (trustBundle == null || trustBundle.isEmpty()) {
        errors.add("identity.trustBundle: required, at least one PEM file");
      }
      Optional<Duration> lifetime =
          workloadCertificateLifetime == null
              ? Optional.empty()
              : Durations.parseSetting(workloadCertificateLifetime);
      if (lifetime.isEmpty()
          || lifetime.get().compareTo(MIN_LIFETIME) < 0
          || lifetime.get().compareTo(MAX_LIFETIME) > 0) {
        errors.add("identity.workloadCertificateLifetime: must be a duration between 5m and 24h,"
            + " like 1h");
      }
      if (serverNames == null || serverNames.isEmpty()) {
        errors.add("identity.serverNames: required, the DNS names or IPs clients dial");
      }
    }
  }

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
      addAddressProblems("ads", ads, errors);
    }
    if (plaintextAds != null) {
      addAddressProblems("plaintextAds", plaintextAds, errors);
    }
    if (identity == null) {
      errors.add("identity: required (the workload CA; ADS is served over mTLS)");
    } else {
      identity.addProblems(errors);
    }
    if (etcd == null) {
      errors.add("etcd: required");
    } else {
      etcd.problems().forEach(problem -> errors.add(problem.at("etcd")));
    }
    if (coalesceWindow == null || Durations.parse(coalesceWindow).isEmpty()) {
      errors.add("coalesceWindow: must be a duration like 100ms or 1s");
    }
    if (replicaId != null && replicaId.isBlank()) {
      errors.add("replicaId: must not be blank (leave it out for <hostname>-<pid>)");
    }
    if (metrics != null) {
      metrics.addProblems(errors);
    }
    return errors;
  }

  private static void addAddressProblems(String path, Ads address, List<String> errors) {
    if (address.host() == null || address.host().isBlank()) {
      errors.add(path + ".host: required");
    }
    if (address.port() < 0 || address.port() > 65535) {
      errors.add(path + ".port: must be between 0 and 65535");
    }
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

  /** Whether to build the sidecar groups ahead: yes unless turned off. */
  public boolean buildSidecarsAheadOrDefault() {
    return buildSidecarsAhead == null || buildSidecarsAhead;
  }

  public Duration coalesceWindowDuration() {
    return Durations.parse(coalesceWindow).orElseThrow();
  }
}
