package io.paymesh.xds.translate;

import io.paymesh.config.model.FaultInjection;
import java.time.Duration;
import java.util.Set;

/**
 * Every well-known name the translators emit and the Gate reads back: filter and extension names,
 * resource names of the sidecar layout, metadata keys. One place, so producer and checker agree.
 */
public final class XdsNames {
  // Envoy extension names.
  public static final String HTTP_CONNECTION_MANAGER =
      "envoy.filters.network.http_connection_manager";
  public static final String RBAC_FILTER = "envoy.filters.http.rbac";
  public static final String ROUTER_FILTER = "envoy.filters.http.router";
  public static final String FAULT_FILTER = "envoy.filters.http.fault";
  public static final String JWT_AUTHN_FILTER = "envoy.filters.http.jwt_authn";
  public static final String HEADER_MUTATION_FILTER = "envoy.filters.http.header_mutation";
  public static final String CORS_FILTER = "envoy.filters.http.cors";
  public static final String LOCAL_RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";
  public static final String CACHE_FILTER = "envoy.filters.http.cache";
  public static final String STDOUT_ACCESS_LOG = "envoy.access_loggers.stdout";
  public static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  public static final String TLS_INSPECTOR_FILTER = "envoy.filters.listener.tls_inspector";
  public static final String HTTP_PROTOCOL_OPTIONS =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  // Route metadata that lets the Gate judge routes from the output alone.
  public static final String METADATA_NAMESPACE = "io.paymesh";
  public static final String METADATA_OPERATION = "operation";
  public static final String METADATA_ROUTE_TABLE = "routeTable";

  // Sidecar layout.
  public static final String OUTBOUND = "outbound";
  public static final String INBOUND_PREFIX = "inbound|";
  public static final String STICKY_SPLIT_PREFIX = "split|";
  /** Cluster metadata key (in {@link #METADATA_NAMESPACE}): the Services a split cluster holds. */
  public static final String METADATA_SPLIT_TARGETS = "splitTargets";
  /**
   * Ring size of a sticky split's ring hash, minimum and maximum alike: gRPC caps rings at 4096
   * entries by default, and the same size everywhere gives every client the same ring layout per
   * address string. 4096 entries keep a side's share within about 1 point of its weight.
   */
  public static final long STICKY_SPLIT_RING_SIZE = 4096;
  public static final String INBOUND_VIRTUAL_HOST = "inbound";
  public static final String INBOUND_STAT_PREFIX = "inbound_";
  public static final String ANY_ADDRESS = "0.0.0.0";
  public static final String LOOPBACK = "127.0.0.1";
  public static final int OUTBOUND_PORT = 15001;

  // Inbound mTLS (PeerAuthentication). Filter chains are named so Gate violations can say which.
  public static final String MTLS_FILTER_CHAIN = "mtls";
  public static final String PLAINTEXT_FILTER_CHAIN = "plaintext";
  /** The transport protocol tls_inspector reports for a TLS ClientHello. */
  public static final String TRANSPORT_PROTOCOL_TLS = "tls";
  /** Envoy's transport protocol of a connection no listener filter recognised: plaintext. */
  public static final String TRANSPORT_PROTOCOL_RAW = "raw_buffer";
  /**
   * ALPN over mesh mTLS: grpc-java refuses a TLS connection on which h2 was not negotiated, so a
   * sidecar offers it to callers and asks for it when calling a gRPC service.
   */
  public static final String ALPN_H2 = "h2";
  public static final String ALPN_HTTP11 = "http/1.1";
  public static final String SPIFFE_SCHEME = "spiffe://";

  // Routes.
  public static final String DEFAULT_ROUTE = "default";
  public static final String ROOT_PREFIX = "/";
  public static final String ANY_DOMAIN = "*";
  public static final String ANY_PORT_SUFFIX = ":*";
  public static final String METHOD_HEADER = ":method";
  public static final String IDEMPOTENCY_KEY_HEADER = "idempotency-key";
  /** A request carrying it (with a drill's name) takes the drill's route and fault. */
  public static final String DRILL_HEADER = FaultInjection.DRILL_HEADER;
  /** Sent by browsers; a cached response must not depend on it. */
  public static final String COOKIE_HEADER = "cookie";
  /** A drill route is named after the route it doubles, with this suffix. */
  public static final String DRILL_ROUTE_SUFFIX = "/drill";
  /** A drill route's stat prefix: its route's, with this suffix. */
  public static final String DRILL_STAT_SUFFIX = ".drill";
  /** The sub-zone of a standby level's localities: {@code priority-<registered priority>}. */
  public static final String PRIORITY_SUB_ZONE_PREFIX = "priority-";

  /** Retry conditions under which the request never reached the upstream application. */
  public static final Set<String> SAFE_RETRY_ON = Set.of("connect-failure", "refused-stream");

  // Workload identity: where the workload agent writes a workload's certificate, key and trust
  // bundle, and how Envoy (file-based SDS) and proxyless gRPC (certificate provider) find them.
  /** The agent's output directory on every workload (its --dir default). */
  public static final String IDENTITY_DIR = "/var/run/paymesh/identity";
  public static final String IDENTITY_CERT_FILE = "cert.pem";
  public static final String IDENTITY_KEY_FILE = "key.pem";
  public static final String IDENTITY_BUNDLE_FILE = "bundle.pem";
  /** File-based SDS: Envoy reads these Secret files, reloaded when the directory moves. */
  public static final String SDS_CERTIFICATE_FILE = "sds/certificate.yaml";
  public static final String SDS_TRUST_BUNDLE_FILE = "sds/trust-bundle.yaml";
  public static final String WORKLOAD_CERTIFICATE_SECRET = "workload-certificate";
  public static final String MESH_TRUST_BUNDLE_SECRET = "mesh-trust-bundle";
  /** The gRPC bootstrap's certificate_providers key (a file_watcher over the agent's files). */
  public static final String CERTIFICATE_PROVIDER_INSTANCE = "paymesh-workload";
  /** gRFC A36: a proxyless gRPC server asks LDS for this name, %s being 0.0.0.0:port. */
  public static final String SERVER_LISTENER_TEMPLATE =
      "grpc/server?xds.resource.listening_address=%s";

  /**
   * The CA bundle PaymentProcessor clusters trust, served over SDS under each processor's
   * {@code trustedCaSecret} name: the system roots of the Envoy image (Debian/Ubuntu path), since
   * PSPs present certificates from public CAs.
   */
  public static final String SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  // Edge gateway (a Gateway document served by a Service's Envoy proxies).
  /** Gateway listeners are {@code gateway|<listener>}, its route configuration {@code gateway|<gateway>}. */
  public static final String GATEWAY_PREFIX = "gateway|";
  /** Each gateway HCM's stat prefix is this plus the listener name. */
  public static final String GATEWAY_STAT_PREFIX = "gateway_";
  /** Each gateway route's stat prefix: {@code gateway.<api>.<version>}, one per API version. */
  public static final String GATEWAY_ROUTE_STAT_PREFIX = "gateway.";
  public static final String GATEWAY_FILTER_CHAIN = "tls";
  /**
   * Where the operator puts the gateway's public certificate: the SDS Secret file
   * {@code sds/certificate.yaml} (certificate and key by filename), replaced by swapping a symlink
   * inside this directory, which is the one watched.
   */
  public static final String GATEWAY_CERT_DIR = "/etc/paymesh/gateway";
  public static final String GATEWAY_CERTIFICATE_SECRET = "gateway-certificate";
  /** RFC 9745 and RFC 8594: what a deprecated version's responses carry. */
  public static final String DEPRECATION_HEADER = "deprecation";
  public static final String SUNSET_HEADER = "sunset";
  public static final String CONTENT_TYPE_HEADER = "content-type";
  public static final String JSON_CONTENT_TYPE = "application/json";
  public static final int GONE = 410;
  /** Clusters that fetch an issuer's JWKS: {@code jwks|<host>:<port>}; no route may use one. */
  public static final String JWKS_CLUSTER_PREFIX = "jwks|";
  /** Where jwt_authn puts a verified token's claims, under its filter name in dynamic metadata. */
  public static final String JWT_PAYLOAD_METADATA = "jwt_payload";
  public static final String ISSUER_CLAIM = "iss";
  /** OAuth's space-separated scope claim, turned into a list so RBAC can match one scope. */
  public static final String SCOPE_CLAIM = "scope";
  public static final Duration JWKS_FETCH_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration JWKS_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final int DEFAULT_CLOCK_SKEW_SECONDS = 60;
  /** The JWT claim a {@code {caller: true}} limit is keyed by at the gateway. */
  public static final String SUBJECT_CLAIM = "sub";
  /** Rate limit descriptor keys: the limit, its path condition, its key, a missing key. */
  public static final String RATE_LIMIT_KEY_LIMIT = "limit";
  public static final String RATE_LIMIT_KEY_PATH = "path";
  public static final String RATE_LIMIT_KEY_VALUE = "key";
  public static final String RATE_LIMIT_KEY_MISSING = "key_missing";
  /** The bucket of tokens without a {@code sub} claim, shared by all of them. */
  public static final String RATE_LIMIT_NO_SUBJECT = "-";
  /** Buckets kept per keyed limit (Envoy evicts the least recently used beyond it). */
  public static final int RATE_LIMIT_MAX_KEYS = 100_000;
  public static final String GATEWAY_RATE_LIMIT_STAT_PREFIX = "gateway_ratelimit";

  public static final Duration SERVICE_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(10);

  private XdsNames() {}

  /**
   * The resource name of a sidecar's inbound listener, route and cluster for one port, and of a
   * proxyless server's route configuration for that port.
   */
  /** The cluster a sticky split of route {@code route} in RouteTable {@code table} becomes. */
  public static String stickySplit(String table, String route) {
    return STICKY_SPLIT_PREFIX + table + "|" + route;
  }

  public static String inbound(String portName) {
    return INBOUND_PREFIX + portName;
  }

  /** The name of the drill route placed ahead of route {@code routeName}. */
  public static String drillRoute(String routeName) {
    return routeName + DRILL_ROUTE_SUFFIX;
  }

  /** The sub-zone that sets apart the localities of registered priority {@code priority}. */
  public static String prioritySubZone(int priority) {
    return PRIORITY_SUB_ZONE_PREFIX + priority;
  }

  /** gRFC A36: the LDS name a proxyless gRPC server listening on {@code port} asks for. */
  public static String serverListener(int port) {
    return String.format(SERVER_LISTENER_TEMPLATE, ANY_ADDRESS + ":" + port);
  }

  public static String gatewayListener(String listener) {
    return GATEWAY_PREFIX + listener;
  }

  public static String gatewayRoutes(String gateway) {
    return GATEWAY_PREFIX + gateway;
  }

  /** The route of one API version, {@code <api>/<version>}. */
  public static String gatewayRoute(String api, String version) {
    return api + "/" + version;
  }

  /** A cached READ route of one API version, {@code <api>/<version>/cache/<name>}. */
  public static String gatewayCachedRoute(String api, String version, String read) {
    return gatewayRoute(api, version) + "/cache/" + read;
  }

  /** The cluster that fetches keys from {@code jwksUri} (an https URL with a host). */
  public static String jwksCluster(String jwksUri) {
    java.net.URI uri = java.net.URI.create(jwksUri);
    int port = uri.getPort() < 0 ? 443 : uri.getPort();
    return JWKS_CLUSTER_PREFIX + uri.getHost() + ":" + port;
  }

  /** A file-based SDS file's full path on the workload. */
  public static String identityFile(String relative) {
    return IDENTITY_DIR + "/" + relative;
  }
}
