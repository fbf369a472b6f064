package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;

/**
 * Maps a connecting proxy's node to the snapshot group it is served from: the service it belongs
 * to, and whether it is an Envoy sidecar or a proxyless gRPC client (which cannot take sidecar
 * listeners). Only identity is read from the node; policy always comes from etcd.
 */
public final class ProxyGroups implements NodeGroup<ProxyGroup> {
  /** grpc-java reports {@code gRPC Java}; other gRPC languages also start with {@code gRPC}. */
  private static final String GRPC_USER_AGENT_PREFIX = "gRPC";
  /** Separates service and instance in a node id: {@code <service>~<instance>}. */
  public static final String NODE_ID_SEPARATOR = "~";

  @Override
  public ProxyGroup hash(Node node) {
    return groupOf(node);
  }

  /**
   * The service is {@code node.cluster}; sidecars without it fall back to the {@code <service>}
   * part of a {@code <service>~<instance>} node id.
   */
  public static ProxyGroup groupOf(Node node) {
    String service = node.getCluster();
    if (service.isEmpty()) {
      String id = node.getId();
      int separator = id.indexOf(NODE_ID_SEPARATOR);
      service = separator > 0 ? id.substring(0, separator) : "";
    }
    ProxyForm form =
        node.getUserAgentName().startsWith(GRPC_USER_AGENT_PREFIX)
            ? ProxyForm.PROXYLESS
            : ProxyForm.SIDECAR;
    return new ProxyGroup(service, form);
  }
}
