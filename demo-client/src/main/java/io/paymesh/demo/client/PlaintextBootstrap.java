package io.paymesh.demo.client;

import java.lang.management.ManagementFactory;

/**
 * The grpc-java xDS bootstrap of a client on the xds-server's plaintext ADS port: insecure ADS
 * credentials, the node as the mesh service it claims to be, and the {@code paymesh-workload}
 * certificate provider. grpc-java NACKs a cluster whose TLS names a provider instance its
 * bootstrap lacks, even on a channel whose insecure credentials never read it; the files named
 * are the workload agent's usual ones and are read only by a channel with xDS credentials.
 */
final class PlaintextBootstrap {
  static final String IDENTITY_DIR = "/var/run/paymesh/identity";

  private PlaintextBootstrap() {}

  static String json(String adsAddress, String service) {
    String node = service + "~demo-client-" + ManagementFactory.getRuntimeMXBean().getPid();
    return """
        {
          "xds_servers": [{"server_uri": "%s", "channel_creds": [{"type": "insecure"}],
                           "server_features": ["xds_v3"]}],
          "node": {"id": "%s", "cluster": "%s", "locality": {"zone": "local"}},
          "certificate_providers": {
            "paymesh-workload": {
              "plugin_name": "file_watcher",
              "config": {"certificate_file": "%s/cert.pem", "private_key_file": "%s/key.pem",
                         "ca_certificate_file": "%s/bundle.pem", "refresh_interval": "60s"}
            }
          }
        }
        """.formatted(adsAddress, node, service, IDENTITY_DIR, IDENTITY_DIR, IDENTITY_DIR);
  }
}
