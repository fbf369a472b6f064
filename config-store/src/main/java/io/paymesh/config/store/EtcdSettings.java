package io.paymesh.config.store;

import io.etcd.jetcd.Client;
import java.util.List;

/**
 * Where the policy store lives: the etcd client URLs and the key prefix under which paymesh keeps
 * policy, endpoints, status and audit. Shared by the xDS server, the admin API and the loader.
 *
 * @param endpoints client URLs, e.g. {@code http://127.0.0.1:2379}
 * @param prefix key prefix, starting and ending with {@code /}, default {@link #DEFAULT_PREFIX}
 */
public record EtcdSettings(List<String> endpoints, String prefix) {
  public static final String DEFAULT_PREFIX = "/paymesh/";

  public EtcdSettings {
    endpoints = List.copyOf(endpoints);
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one etcd endpoint is required");
    }
    KeyLayout.requireValidPrefix(prefix);
  }

  public static EtcdSettings of(String endpoint) {
    return new EtcdSettings(List.of(endpoint), DEFAULT_PREFIX);
  }

  public KeyLayout keys() {
    return new KeyLayout(prefix);
  }

  /** A new client for these endpoints; the caller owns (and closes) it. */
  public Client newClient() {
    return Client.builder().endpoints(endpoints.toArray(String[]::new)).build();
  }
}
