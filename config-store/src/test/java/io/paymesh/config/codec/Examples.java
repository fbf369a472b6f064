package io.paymesh.config.codec;

/** The brief's example documents, one per kind; they decode to the records of {@code Fixtures}. */
final class Examples {
  static final String SERVICE = """
      kind: Service
      name: checkout
      spec:
        ports:
          - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
        identity: spiffe://paymesh.local/ns/payments/sa/checkout
        pciScope: CONNECTED
        dependencies: [payments, payments-v1, payments-v2, stripe]
        loadBalancing: ROUND_ROBIN
        circuitBreakers: {maxConnections: 1024, maxPendingRequests: 256, maxRequests: 1024, maxRetries: 3}
        outlierDetection: {consecutive5xx: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
      """;

  static final String PROCESSOR = """
      kind: PaymentProcessor
      name: stripe
      spec:
        endpoints:
          - {address: api.stripe.com, port: 443, region: us-east-1, priority: 0}
          - {address: api-eu.stripe.com, port: 443, region: eu-west-1, priority: 1}
        tls: {sni: api.stripe.com, trustedCaSecret: psp-ca-bundle, subjectAltNames: [api.stripe.com]}
        connectTimeout: 2s
      """;

  static final String ROUTE_TABLE = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: charge-card
            match:
              path: {exact: /payments.v1.Payments/Charge}
              methods: [POST]
              headers: [{name: x-merchant-id, present: true}]
            destination: {split: [{target: payments-v1, weight: 90}, {target: payments-v2, weight: 10}], stickyBy: x-merchant-id}
            operation: NON_IDEMPOTENT_WRITE
            timeout: 3s
            retry: {retryOn: [connect-failure, refused-stream], numRetries: 1, perTryTimeout: 1s}
          - name: default
            match: {path: {prefix: /}}
            destination: {target: payments-v1}
            operation: READ
            timeout: 1s
      """;

  static final String AUTHORIZATION_POLICY = """
      kind: AuthorizationPolicy
      name: payments-callers
      spec:
        service: payments-v1
        mode: ENFORCE
        rules:
          - name: checkout-charges
            callers: [checkout]
            to: [{methods: [POST], paths: [{exact: /payments.v1.Payments/Charge}, {prefix: /payments.v1.Payments/Get}]}]
      """;

  static final String PEER_AUTHENTICATION = """
      kind: PeerAuthentication
      name: payments-mtls
      spec:
        service: payments-v1
        mode: STRICT
      """;

  static final String REQUEST_AUTHENTICATION = """
      kind: RequestAuthentication
      name: gateway-jwt
      spec:
        service: api-gateway
        issuers:
          - issuer: https://auth.paymesh.example
            audiences: [payments-api]
            jwksUri: https://auth.paymesh.example/.well-known/jwks.json
            jwksCacheDuration: 5m
      """;

  static final String RATE_LIMIT_POLICY = """
      kind: RateLimitPolicy
      name: payments-limits
      spec:
        service: payments-v1
        limits:
          - name: merchant-charges
            path: {exact: /payments.v1.Payments/Charge}
            key: {header: x-merchant-id}
            tokens: 100
            interval: 1s
            burst: 200
          - name: per-caller
            key: {caller: true}
            tokens: 1000
            interval: 1m
            burst: 1000
      """;

  private Examples() {}

  static final String GATEWAY = """
      kind: Gateway
      name: public-api
      spec:
        service: edge
        listeners:
          - {name: https, port: 8443}
        apis:
          - name: payments
            hosts: [api.paymesh.example]
            versions:
              - name: v1
                status: DEPRECATED
                backend: payments-v1
                timeout: 5s
                deprecatedOn: 2026-06-01
                sunset: 2027-06-30
              - {name: v2, backend: payments-v2, timeout: 5s}
      """;
}
