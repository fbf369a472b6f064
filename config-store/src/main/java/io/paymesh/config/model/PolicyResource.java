package io.paymesh.config.model;

/**
 * One policy document {@code {kind, name, spec}}. The set of kinds is closed so that every consumer
 * (validator, codec, translator) handles each kind with an exhaustive switch.
 */
public sealed interface PolicyResource
    permits Service,
        PaymentProcessor,
        RouteTable,
        AuthorizationPolicy,
        PeerAuthentication,
        RequestAuthentication,
        RateLimitPolicy,
        Gateway {

  String name();

  Kind kind();

  default ResourceKey key() {
    return new ResourceKey(kind(), name());
  }
}
