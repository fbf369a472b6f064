package io.paymesh.xds.ads;

import io.envoyproxy.controlplane.cache.NodeGroup;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;

/**
 * Maps a connecting proxy's node to the snapshot group it is served from: the service it belongs
 * to, and its client family (Envoy or one of the gRPC libraries), which decides the form and the
 * part of xDS its config may use. Only identity is read from the node; policy always comes from
 * etcd.
 */
public final class ProxyGroups implements NodeGroup<ProxyGroup> {
  /** Separates service and instance in a node id: {@code <service>~<instance>}. */
  public static final String NODE_ID_SEPARATOR = "~";
  /** Every gRPC library names itself {@code gRPC <language>} in {@code user_agent_name}. */
  static final String GRPC_USER_AGENT_PREFIX = "gRPC";
  static final String GRPC_JAVA = "gRPC Java";
  static final String GRPC_JS = "gRPC Node Pure JS";

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
    return new ProxyGroup(service, familyOf(node));
  }

  /**
   * The family from {@code user_agent_name}. A gRPC library paymesh does not know gets the
   * smallest subset (C-core's); anything that is not gRPC is served as Envoy, as before client
   * families existed (Envoy names itself {@code envoy}).
   */
  public static ClientFamily familyOf(Node node) {
    String agent = node.getUserAgentName();
    if (agent.equals(GRPC_JAVA)) {
      return ClientFamily.GRPC_JAVA;
    } else if (agent.equals(GRPC_JS)) {
      return ClientFamily.GRPC_JS;
    } else if (agent.startsWith(GRPC_USER_AGENT_PREFIX)) {
      return ClientFamily.GRPC_CORE;
    }
    return ClientFamily.ENVOY;
  }
}
