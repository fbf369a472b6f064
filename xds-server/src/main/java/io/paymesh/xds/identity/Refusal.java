package io.paymesh.xds.identity;

import io.grpc.Status;

/**
 * Why the identity API did not issue a certificate: the gRPC status and message the workload
 * gets, the metric it counts under, and what only the server log should say. Neither message may
 * hold a join token or key material.
 */
final class Refusal extends Exception {
  private static final long serialVersionUID = 1L;

  enum Reason {
    INVALID_REQUEST(Status.Code.INVALID_ARGUMENT),
    NO_POLICY(Status.Code.UNAVAILABLE),
    UNKNOWN_SERVICE(Status.Code.NOT_FOUND),
    FOREIGN_TRUST_DOMAIN(Status.Code.FAILED_PRECONDITION),
    INVALID_CSR(Status.Code.INVALID_ARGUMENT),
    TOKEN_WITH_CERTIFICATE(Status.Code.INVALID_ARGUMENT),
    IDENTITY_MISMATCH(Status.Code.PERMISSION_DENIED),
    REVOKED(Status.Code.PERMISSION_DENIED),
    TOKEN_MISSING(Status.Code.UNAUTHENTICATED),
    TOKEN_MALFORMED(Status.Code.UNAUTHENTICATED),
    TOKEN_UNKNOWN_OR_USED(Status.Code.UNAUTHENTICATED),
    TOKEN_EXPIRED(Status.Code.UNAUTHENTICATED),
    TOKEN_OTHER_SERVICE(Status.Code.PERMISSION_DENIED),
    CANCELLED(Status.Code.CANCELLED),
    STORE_UNAVAILABLE(Status.Code.UNAVAILABLE),
    CA_FAILED(Status.Code.INTERNAL);

    private final Status.Code code;

    Reason(Status.Code code) {
      this.code = code;
    }

    /** The metric name suffix, e.g. {@code token_expired}. */
    String metricName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Reason reason;
  private final String logDetail;

  Refusal(Reason reason, String clientMessage) {
    this(reason, clientMessage, "");
  }

  /** @param logDetail more for the server log only (e.g. the service a token was issued for) */
  Refusal(Reason reason, String clientMessage, String logDetail) {
    super(clientMessage, null, false, false);
    this.reason = reason;
    this.logDetail = logDetail;
  }

  Reason reason() {
    return reason;
  }

  String logDetail() {
    return logDetail;
  }

  Status status() {
    return Status.fromCode(reason.code).withDescription(getMessage());
  }
}
