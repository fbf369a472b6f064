package io.paymesh.config.model;

/** Load-balancing policy for a cluster. RING_HASH is what makes header-hashed routes sticky. */
public enum LoadBalancing {
  ROUND_ROBIN,
  LEAST_REQUEST,
  RING_HASH
}
