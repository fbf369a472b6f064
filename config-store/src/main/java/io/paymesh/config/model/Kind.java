package io.paymesh.config.model;

import java.util.Arrays;
import java.util.Optional;

/** The policy kinds paymesh understands; {@link #wireName()} is the {@code kind} field of a document. */
public enum Kind {
  SERVICE("Service", "services"),
  PAYMENT_PROCESSOR("PaymentProcessor", "paymentprocessors"),
  ROUTE_TABLE("RouteTable", "routetables"),
  AUTHORIZATION_POLICY("AuthorizationPolicy", "authorizationpolicies"),
  PEER_AUTHENTICATION("PeerAuthentication", "peerauthentications"),
  REQUEST_AUTHENTICATION("RequestAuthentication", "requestauthentications"),
  RATE_LIMIT_POLICY("RateLimitPolicy", "ratelimitpolicies"),
  GATEWAY("Gateway", "gateways");

  private final String wireName;
  private final String pathSegment;

  Kind(String wireName, String pathSegment) {
    this.wireName = wireName;
    this.pathSegment = pathSegment;
  }

  /** The name used in documents, e.g. {@code RouteTable}. */
  public String wireName() {
    return wireName;
  }

  /** The lower-case segment used in etcd keys and URLs, e.g. {@code routetables}. */
  public String pathSegment() {
    return pathSegment;
  }

  /**
   * Whether the kind decides who may talk to a service at all (authorization, mTLS, JWT), as
   * opposed to how traffic is routed. The admin API reserves writes of these to security admins.
   */
  public boolean isSecurityKind() {
    // A switch expression, so adding a kind does not compile until it is classified here.
    return switch (this) {
      // A Gateway opens public ports into the mesh: who may call at all.
      case AUTHORIZATION_POLICY, PEER_AUTHENTICATION, REQUEST_AUTHENTICATION, GATEWAY -> true;
      case SERVICE, PAYMENT_PROCESSOR, ROUTE_TABLE, RATE_LIMIT_POLICY -> false;
    };
  }

  public static Optional<Kind> fromWireName(String name) {
    return Arrays.stream(values()).filter(k -> k.wireName.equals(name)).findFirst();
  }

  public static Optional<Kind> fromPathSegment(String segment) {
    return Arrays.stream(values()).filter(k -> k.pathSegment.equals(segment)).findFirst();
  }
}
