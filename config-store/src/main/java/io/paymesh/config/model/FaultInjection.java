package io.paymesh.config.model;

import java.time.Duration;
import java.util.Optional;

/**
 * A fault injected for a drill: a delay and/or an abort, applied only to requests carrying the
 * header {@code x-paymesh-drill: <drill>} and to at most {@code maxActiveFaults} of them at once.
 * Requests without the header are never touched.
 *
 * @param allowNonIdempotentWrite the operator's explicit consent to inject into a
 *     NON_IDEMPOTENT_WRITE route (a charge), which is refused otherwise
 */
public record FaultInjection(
    String drill,
    Optional<Delay> delay,
    Optional<Abort> abort,
    int maxActiveFaults,
    boolean allowNonIdempotentWrite) {
  /** The request header that opts a request into a drill; its value names the drill. */
  public static final String DRILL_HEADER = "x-paymesh-drill";

  /** Holds {@code percentage}% of the drill's requests for {@code duration} before sending them. */
  public record Delay(Duration duration, int percentage) {}

  /** Fails {@code percentage}% of the drill's requests with {@code status}, never sending them. */
  public record Abort(Status status, int percentage) {}

  /** The error an aborted request gets. */
  public sealed interface Status {}

  /** An HTTP status code; gRPC clients see the gRPC code it maps to. */
  public record HttpStatus(int code) implements Status {}

  public record GrpcStatus(GrpcCode code) implements Status {}

  /**
   * The gRPC status codes an abort may use, with their numbers: every code but OK, so an aborted
   * payment never looks successful.
   */
  public enum GrpcCode {
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    ABORTED(10),
    OUT_OF_RANGE(11),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    DATA_LOSS(15),
    UNAUTHENTICATED(16);

    private final int number;

    GrpcCode(int number) {
      this.number = number;
    }

    public int number() {
      return number;
    }
  }
}
