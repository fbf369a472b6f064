package io.paymesh.xds.status;

import io.paymesh.config.store.KeyLayout;

/**
 * Where proxy status lives in etcd: {@code <prefix>status/proxies/<node-id>}. Node ids are chosen
 * by proxies and may contain '/', which would nest keys; it and the escape character '%' are
 * percent-encoded, every other character is kept so keys stay readable in etcdctl.
 */
final class ProxyStatusKeys {
  static final String PROXIES = "proxies/";

  private final String root;

  ProxyStatusKeys(String prefix) {
    this.root = new KeyLayout(prefix).statusPrefix() + PROXIES;
  }

  /** The prefix under which every proxy's record lies. */
  String root() {
    return root;
  }

  String key(String nodeId) {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("node id must not be empty");
    }
    return root + nodeId.replace("%", "%25").replace("/", "%2F");
  }
}
