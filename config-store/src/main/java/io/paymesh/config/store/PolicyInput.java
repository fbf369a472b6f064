package io.paymesh.config.store;

/**
 * The parts of a {@link PolicySnapshot} a reader can depend on, each keyed by a name: what
 * {@link ReadLog} records and {@link PolicyChanges} compares. Besides the documents by name, a few
 * derived lookups are inputs of their own, so that reading them depends on exactly what they
 * return rather than on a whole kind.
 */
public enum PolicyInput {
  SERVICE,
  PROCESSOR,
  ROUTE_TABLE,
  /** {@link PolicySnapshot#routeTableForHost}, by host. */
  ROUTE_TABLE_FOR_HOST,
  AUTHORIZATION_POLICY,
  /** {@link PolicySnapshot#authorizationPoliciesFor}, by service. */
  AUTHORIZATION_POLICIES_FOR_SERVICE,
  PEER_AUTHENTICATION,
  /** {@link PolicySnapshot#peerAuthenticationsFor}, by service. */
  PEER_AUTHENTICATIONS_FOR_SERVICE,
  REQUEST_AUTHENTICATION,
  /** {@link PolicySnapshot#requestAuthenticationsFor}, by service. */
  REQUEST_AUTHENTICATIONS_FOR_SERVICE,
  RATE_LIMIT_POLICY,
  /** {@link PolicySnapshot#rateLimitPoliciesFor}, by service. */
  RATE_LIMIT_POLICIES_FOR_SERVICE,
  GATEWAY,
  /** {@link PolicySnapshot#gatewaysFor}, by service. */
  GATEWAYS_FOR_SERVICE,
  /** {@link PolicySnapshot#sensitiveHeaders}, the mesh-wide set; only ever read whole. */
  SENSITIVE_HEADERS,
  /** Registered instances, by service. */
  ENDPOINTS,
  /** The damaged documents; only ever read whole. */
  REJECTED,
  /** The etcd revision; only ever read whole, and it changes with every snapshot. */
  REVISION
}
