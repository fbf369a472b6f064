package io.paymesh.xds.testing;

/**
 * YAML policy used by the end-to-end tests: a caller {@code checkout} that may reach the host
 * {@code payments}, served by two deployments {@code payments-a} and {@code payments-b}.
 */
public final class Policies {
  private Policies() {}

  public static final String SERVICES = """
      kind: Service
      name: checkout
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: spiffe://paymesh.local/ns/shop/sa/checkout
        pciScope: CONNECTED
        dependencies: [payments, payments-a, payments-b]
      ---
      kind: Service
      name: payments-a
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: spiffe://paymesh.local/ns/payments/sa/payments-a
        pciScope: CDE
        dependencies: []
      ---
      kind: Service
      name: payments-b
      spec:
        ports: [{name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}]
        identity: spiffe://paymesh.local/ns/payments/sa/payments-b
        pciScope: CDE
        dependencies: []
      """;

  /** All payments traffic to one deployment. */
  public static String routeAllTo(String target) {
    return """
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: charge
              match: {path: {exact: /payments.v1.Payments/Charge}}
              destination: {target: %1$s}
              operation: NON_IDEMPOTENT_WRITE
              timeout: 3s
              retry: {retryOn: [connect-failure, refused-stream], numRetries: 1, perTryTimeout: 1s}
            - name: reads
              match: {path: {prefix: /}}
              destination: {target: %1$s}
              operation: READ
              timeout: 2s
        """.formatted(target);
  }

  /** Reads split evenly over both deployments; charges stay on payments-a. */
  public static final String SPLIT_READS = """
      kind: RouteTable
      name: payments
      spec:
        host: payments
        routes:
          - name: charge
            match: {path: {exact: /payments.v1.Payments/Charge}}
            destination: {target: payments-a}
            operation: NON_IDEMPOTENT_WRITE
            timeout: 3s
          - name: reads
            match: {path: {prefix: /}}
            destination: {split: [{target: payments-a, weight: 50}, {target: payments-b, weight: 50}]}
            operation: READ
            timeout: 2s
      """;
}
