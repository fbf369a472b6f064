package io.paymesh.xds.translate;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The unit a snapshot is built for: every proxy of one service and one client family receives
 * the same resources, so translation runs once per group and not once per connected proxy.
 */
public record ProxyGroup(String service, ClientFamily client) {
  public ProxyGroup {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(client, "client");
  }

  /** Whether the group takes sidecar or proxyless listeners (its family decides). */
  public ProxyForm form() {
    return client.form();
  }

  public static ProxyGroup sidecar(String service) {
    return new ProxyGroup(service, ClientFamily.ENVOY);
  }

  /** The service's group for each client family, in the families' declaration order. */
  public static List<ProxyGroup> everyFamily(String service) {
    return Arrays.stream(ClientFamily.values()).map(c -> new ProxyGroup(service, c)).toList();
  }

  /** The group of grpc-java clients, the reference proxyless family. */
  public static ProxyGroup proxyless(String service) {
    return new ProxyGroup(service, ClientFamily.GRPC_JAVA);
  }
}
