package io.paymesh.xds.translate;

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
  public static final String TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
  public static final String HTTP_PROTOCOL_OPTIONS =
      "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  // Route metadata that lets the Gate judge routes from the output alone.
  public static final String METADATA_NAMESPACE = "io.paymesh";
  public static final String METADATA_OPERATION = "operation";
  public static final String METADATA_ROUTE_TABLE = "routeTable";

  // Sidecar layout.
  public static final String OUTBOUND = "outbound";
  public static final String INBOUND_PREFIX = "inbound|";
  public static final String INBOUND_VIRTUAL_HOST = "inbound";
  public static final String INBOUND_STAT_PREFIX = "inbound_";
  public static final String ANY_ADDRESS = "0.0.0.0";
  public static final String LOOPBACK = "127.0.0.1";
  public static final int OUTBOUND_PORT = 15001;

  // Routes.
  public static final String DEFAULT_ROUTE = "default";
  public static final String ROOT_PREFIX = "/";
  public static final String ANY_DOMAIN = "*";
  public static final String ANY_PORT_SUFFIX = ":*";
  public static final String METHOD_HEADER = ":method";
  public static final String IDEMPOTENCY_KEY_HEADER = "idempotency-key";

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

  public static final Duration SERVICE_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_ROUTE_TIMEOUT = Duration.ofSeconds(10);

  private XdsNames() {}

  /** The resource name of a sidecar's inbound listener, route and cluster for one port. */
  public static String inbound(String portName) {
    return INBOUND_PREFIX + portName;
  }
}
