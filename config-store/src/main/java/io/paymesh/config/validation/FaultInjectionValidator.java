package io.paymesh.config.validation;

import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.model.OperationKind;
import java.time.Duration;

/**
 * Rules of a route's drill fault. A drill is named (the value of the drill header), injects
 * something, caps its active faults, aborts with an error status only (an aborted payment must
 * never look successful), delays no longer than the route timeout, and touches a
 * NON_IDEMPOTENT_WRITE route only with the operator's explicit consent.
 */
final class FaultInjectionValidator {
  static final int MIN_ABORT_HTTP_STATUS = 400;
  static final int MAX_ABORT_HTTP_STATUS = 599;
  static final int MAX_PERCENT = 100;
  static final String NOTHING_TO_INJECT = "must have at least one of [delay, abort]";
  static final String NON_IDEMPOTENT_WRITE_NOT_ALLOWED =
      "not allowed on a NON_IDEMPOTENT_WRITE route unless allowNonIdempotentWrite is true";
  static final String ALLOW_ONLY_ON_NON_IDEMPOTENT_WRITE =
      "only allowed on a NON_IDEMPOTENT_WRITE route";

  private FaultInjectionValidator() {}

  /**
   * @param operation the route's operation, null when it is itself missing
   * @param routeTimeout the route's timeout, null when it is missing or invalid
   */
  static void validate(
      ErrorCollector c, FaultInjection fault, OperationKind operation, Duration routeTimeout) {
    Checks.dnsLabel(c.at("drill"), fault.drill());
    boolean hasDelay = fault.delay() != null && fault.delay().isPresent();
    boolean hasAbort = fault.abort() != null && fault.abort().isPresent();
    if (!hasDelay && !hasAbort) {
      c.add(NOTHING_TO_INJECT);
    }
    if (hasDelay) {
      delay(c.at("delay"), fault.delay().get(), routeTimeout);
    }
    if (hasAbort) {
      abort(c.at("abort"), fault.abort().get());
    }
    if (fault.maxActiveFaults() < 1) {
      c.add("maxActiveFaults", Messages.AT_LEAST_ONE);
    }
    boolean nonIdempotentWrite = operation == OperationKind.NON_IDEMPOTENT_WRITE;
    if (nonIdempotentWrite && !fault.allowNonIdempotentWrite()) {
      c.add(NON_IDEMPOTENT_WRITE_NOT_ALLOWED);
    } else if (operation != null && !nonIdempotentWrite && fault.allowNonIdempotentWrite()) {
      c.add("allowNonIdempotentWrite", ALLOW_ONLY_ON_NON_IDEMPOTENT_WRITE);
    }
  }

  private static void delay(ErrorCollector c, FaultInjection.Delay delay, Duration routeTimeout) {
    ErrorCollector dc = c.at("duration");
    if (Checks.positive(dc, delay.duration())
        && routeTimeout != null
        && delay.duration().compareTo(routeTimeout) > 0) {
      dc.add("must be <= the route timeout " + Durations.format(routeTimeout));
    }
    Checks.between(c.at("percentage"), delay.percentage(), 1, MAX_PERCENT);
  }

  private static void abort(ErrorCollector c, FaultInjection.Abort abort) {
    FaultInjection.Status status = abort.status();
    if (status instanceof FaultInjection.HttpStatus http) {
      Checks.between(
          c.at("httpStatus"), http.code(), MIN_ABORT_HTTP_STATUS, MAX_ABORT_HTTP_STATUS);
    } else if (status instanceof FaultInjection.GrpcStatus grpc) {
      c.at("grpcStatus").require(grpc.code());
    } else {
      c.add(Messages.exactlyOneOf("httpStatus", "grpcStatus"));
    }
    Checks.between(c.at("percentage"), abort.percentage(), 1, MAX_PERCENT);
  }
}
