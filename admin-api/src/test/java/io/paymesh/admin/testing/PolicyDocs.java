package io.paymesh.admin.testing;

/** Variants of the baseline's documents that the tests write. */
public final class PolicyDocs {

  private PolicyDocs() {}

  /** The baseline RouteTable {@code payments} with the charge route sent to {@code chargeTarget}. */
  public static String paymentsRouteTo(String chargeTarget) {
    return paymentsRoutes(chargeTarget, "payments-v1");
  }

  /** The baseline RouteTable {@code payments} with both routes' targets chosen. */
  public static String paymentsRoutes(String chargeTarget, String defaultTarget) {
    return """
        kind: RouteTable
        name: payments
        spec:
          host: payments
          routes:
            - name: charge
              match:
                path: {exact: /payments.v1.Payments/Charge}
                methods: [POST]
              destination: {target: %s}
              operation: NON_IDEMPOTENT_WRITE
              timeout: 3s
              retry: {retryOn: [connect-failure, refused-stream], numRetries: 1}
            - name: default
              match: {path: {prefix: /}}
              destination: {target: %s}
              operation: READ
              timeout: 1s
        """.formatted(chargeTarget, defaultTarget);
  }

  /** The baseline AuthorizationPolicy {@code ledger-callers} (a CDE policy) with its callers. */
  public static String ledgerCallers(String callers) {
    return """
        kind: AuthorizationPolicy
        name: ledger-callers
        spec:
          service: ledger
          rules:
            - name: payments
              callers: %s
              to: [{methods: [POST], paths: [{prefix: /ledger.v1.Ledger/}]}]
        """.formatted(callers);
  }

  /** The baseline Service {@code checkout} with its dependencies replaced. */
  public static String checkoutWithDependencies(String dependencies) {
    return """
        kind: Service
        name: checkout
        spec:
          ports:
            - {name: grpc, port: 8443, targetPort: 9090, protocol: GRPC}
          identity: spiffe://paymesh.local/ns/payments/sa/checkout
          pciScope: CONNECTED
          dependencies: [%s]
        """.formatted(dependencies);
  }
}
