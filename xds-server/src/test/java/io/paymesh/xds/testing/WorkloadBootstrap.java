package io.paymesh.xds.testing;

import io.paymesh.xds.translate.XdsNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The grpc-java xDS bootstrap of a proxyless workload in an mTLS mesh, as
 * envoy-configs/proxyless/grpc-bootstrap.json describes it: ADS over mTLS with the certificate
 * the workload agent keeps in {@code identityDir} (the proxyless-grpc library reads the A65
 * {@code tls} config), the same files as the {@code paymesh-workload} certificate provider for
 * the data plane, and the gRFC A36 server listener name template.
 */
public final class WorkloadBootstrap {
  /** How often grpc-java re-reads the agent's files; short, so renewals show up in tests. */
  static final String REFRESH_INTERVAL = "1s";

  private WorkloadBootstrap() {}

  public static Map<String, ?> of(int adsPort, String service, String instance, Path identityDir) {
    return of(adsPort, service, instance, identityDir, identityDir);
  }

  /**
   * A bootstrap whose ADS connection uses the files in {@code adsIdentityDir} and whose data
   * plane (the certificate provider) those in {@code dataPlaneIdentityDir}: a workload that
   * presents someone else's certificate to its peers, for negative tests.
   */
  public static Map<String, ?> of(int adsPort, String service, String instance,
      Path adsIdentityDir, Path dataPlaneIdentityDir) {
    Map<String, String> files = files(adsIdentityDir);
    Map<String, String> dataPlane = files(dataPlaneIdentityDir);
    return Map.of(
        "xds_servers",
        List.of(Map.of(
            // An IP the xds-server's certificate names, so hostname verification applies.
            "server_uri", "127.0.0.1:" + adsPort,
            "channel_creds", List.of(Map.of("type", "tls", "config", files)),
            "server_features", List.of("xds_v3"))),
        "node",
        Map.of("id", service + "~" + instance, "cluster", service),
        "certificate_providers",
        Map.of(XdsNames.CERTIFICATE_PROVIDER_INSTANCE,
            Map.of("plugin_name", "file_watcher", "config", dataPlane)),
        "server_listener_resource_name_template", XdsNames.SERVER_LISTENER_TEMPLATE);
  }

  private static Map<String, String> files(Path dir) {
    return Map.of(
        "certificate_file", dir.resolve(XdsNames.IDENTITY_CERT_FILE).toString(),
        "private_key_file", dir.resolve(XdsNames.IDENTITY_KEY_FILE).toString(),
        "ca_certificate_file", dir.resolve(XdsNames.IDENTITY_BUNDLE_FILE).toString(),
        "refresh_interval", REFRESH_INTERVAL);
  }
}
