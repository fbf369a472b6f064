package io.paymesh.config.store;

import io.paymesh.config.model.ResourceKey;

/** What an etcd key under the paymesh prefix denotes, as parsed by {@link KeyLayout#parse}. */
public sealed interface StoreKey {

  /** {@code <prefix>policy/<kind>/<name>}. */
  record Policy(ResourceKey resource) implements StoreKey {}

  /** {@code <prefix>endpoints/<service>/<id>}. */
  record EndpointInstance(String service, String id) implements StoreKey {}

  /** Under the policy or endpoints prefix but not of the expected shape. */
  record Malformed(String reason) implements StoreKey {}

  /** Anything else under the prefix (status, audit, identity): not policy input. */
  record Other() implements StoreKey {}
}
