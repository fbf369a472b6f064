package io.paymesh.admin.testing;

import io.paymesh.config.model.Kind;
import java.util.Arrays;

/**
 * One new document per kind that fits the baseline policy (each is about the service fraud, which
 * is not in the CDE), in a first and an updated version, and the token of the narrowest role that
 * may write it: creating a PaymentProcessor is security-relevant (where card data goes), so it
 * needs the operator and the security-admin role, here the admin's token. The security kinds and
 * the processor need a reason.
 */
public enum KindSamples {
  SERVICE(Kind.SERVICE, "reports", TestTokens.OPERATOR, """
      kind: Service
      name: reports
      spec:
        ports: [{name: http, port: 8080, targetPort: 8081, protocol: HTTP}]
        identity: spiffe://paymesh.local/ns/payments/sa/reports
        pciScope: NONE
        dependencies: [%s]
      """, "fraud"),
  PAYMENT_PROCESSOR(Kind.PAYMENT_PROCESSOR, "adyen", TestTokens.ADMIN, """
      kind: PaymentProcessor
      name: adyen
      spec:
        endpoints: [{address: checkout-live.adyen.com, port: 443, region: eu-west-1, priority: 0}]
        tls: {sni: checkout-live.adyen.com, trustedCaSecret: psp-ca-bundle, subjectAltNames: [checkout-live.adyen.com]}
        connectTimeout: %s
      """, "3s"),
  ROUTE_TABLE(Kind.ROUTE_TABLE, "fraud", TestTokens.OPERATOR, """
      kind: RouteTable
      name: fraud
      spec:
        host: fraud
        routes:
          - name: score
            match: {path: {prefix: /fraud.v1.Fraud/}}
            destination: {target: fraud}
            operation: READ
            timeout: %s
      """, "2s"),
  AUTHORIZATION_POLICY(Kind.AUTHORIZATION_POLICY, "fraud-callers", TestTokens.SECURITY, """
      kind: AuthorizationPolicy
      name: fraud-callers
      spec:
        service: fraud
        rules:
          - name: checkout
            callers: [checkout]
            to: [{methods: [%s], paths: [{prefix: /fraud.v1.Fraud/}]}]
      """, "GET"),
  PEER_AUTHENTICATION(Kind.PEER_AUTHENTICATION, "fraud-mtls", TestTokens.SECURITY, """
      kind: PeerAuthentication
      name: fraud-mtls
      spec:
        service: fraud
        mode: %s
      """, "PERMISSIVE"),
  REQUEST_AUTHENTICATION(Kind.REQUEST_AUTHENTICATION, "fraud-jwt", TestTokens.SECURITY, """
      kind: RequestAuthentication
      name: fraud-jwt
      spec:
        service: fraud
        issuers:
          - issuer: https://auth.paymesh.example
            audiences: [%s]
            jwksUri: https://auth.paymesh.example/.well-known/jwks.json
      """, "fraud-api"),
  RATE_LIMIT_POLICY(Kind.RATE_LIMIT_POLICY, "fraud-limits", TestTokens.OPERATOR, """
      kind: RateLimitPolicy
      name: fraud-limits
      spec:
        service: fraud
        limits:
          - name: per-caller
            key: {caller: true}
            tokens: %s
            interval: 1s
            burst: 200
      """, "100"),
  GATEWAY(Kind.GATEWAY, "fraud-gateway", TestTokens.SECURITY, """
      kind: Gateway
      name: fraud-gateway
      spec:
        service: fraud
        listeners: [{name: https, port: 8443}]
        apis:
          - name: fraud
            hosts: [fraud.paymesh.example]
            versions: [{name: v1, status: RETIRED, sunset: %s}]
      """, "2025-01-31");

  /** The value the updated version puts where the first has {@link #firstValue}. */
  private static final String UPDATED_SERVICE = "fraud, checkout";

  private final Kind kind;
  private final String name;
  private final String token;
  private final String template;
  private final String firstValue;

  KindSamples(Kind kind, String name, String token, String template, String firstValue) {
    this.kind = kind;
    this.name = name;
    this.token = token;
    this.template = template;
    this.firstValue = firstValue;
  }

  public Kind kind() {
    return kind;
  }

  public String documentName() {
    return name;
  }

  /** The token of the narrowest role allowed to write this kind. */
  public String token() {
    return token;
  }

  public String path() {
    return "/v1/" + kind.pathSegment() + "/" + name;
  }

  public String first() {
    return template.formatted(firstValue);
  }

  public String updated() {
    return template.formatted(updatedValue());
  }

  private String updatedValue() {
    switch (kind) {
      case SERVICE:
        return UPDATED_SERVICE;
      case PAYMENT_PROCESSOR:
        return "5s";
      case ROUTE_TABLE:
        return "4s";
      case AUTHORIZATION_POLICY:
        return "POST";
      case PEER_AUTHENTICATION:
        return "STRICT";
      case REQUEST_AUTHENTICATION:
        return "fraud-api-v2";
      case RATE_LIMIT_POLICY:
        return "150";
      case GATEWAY:
        return "2025-02-28";
      default:
        throw new AssertionError(kind);
    }
  }

  /** Every kind has a sample: KindSamplesTest-style guard used by the CRUD test. */
  public static boolean coversEveryKind() {
    return Arrays.stream(values()).map(KindSamples::kind).distinct().count() == Kind.values().length;
  }
}
