package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.FaultInjection;
import io.paymesh.config.validation.Messages;
import java.time.Duration;
import java.util.Optional;

/**
 * A route's drill fault: {@code {drill, delay: {duration, percentage}, abort: {httpStatus |
 * grpcStatus, percentage}, maxActiveFaults, allowNonIdempotentWrite}}.
 */
final class FaultInjectionMapper {
  static final String HTTP_STATUS = "httpStatus";
  static final String GRPC_STATUS = "grpcStatus";
  static final String ALLOW_NON_IDEMPOTENT_WRITE = "allowNonIdempotentWrite";
  private static final String PERCENTAGE = "percentage";

  private FaultInjectionMapper() {}

  /** Empty when absent; null after reporting when malformed. */
  static Optional<FaultInjection> decode(NodeReader r) {
    if (r == null) {
      return Optional.empty();
    }
    String drill = r.string("drill");
    Optional<FaultInjection.Delay> delay = delay(r.object("delay", false));
    Optional<FaultInjection.Abort> abort = abort(r.object("abort", false));
    Integer maxActiveFaults = r.integer("maxActiveFaults");
    boolean allowNonIdempotentWrite =
        r.raw(ALLOW_NON_IDEMPOTENT_WRITE) != null
            && Boolean.TRUE.equals(r.bool(ALLOW_NON_IDEMPOTENT_WRITE));
    if (!r.finish()) {
      return null;
    }
    return Optional.of(
        new FaultInjection(drill, delay, abort, maxActiveFaults, allowNonIdempotentWrite));
  }

  private static Optional<FaultInjection.Delay> delay(NodeReader r) {
    if (r == null) {
      return Optional.empty();
    }
    Duration duration = r.duration("duration");
    Integer percentage = r.integer(PERCENTAGE);
    return r.finish()
        ? Optional.of(new FaultInjection.Delay(duration, percentage))
        : Optional.empty();
  }

  private static Optional<FaultInjection.Abort> abort(NodeReader r) {
    if (r == null) {
      return Optional.empty();
    }
    boolean hasHttp = r.raw(HTTP_STATUS) != null;
    boolean hasGrpc = r.raw(GRPC_STATUS) != null;
    FaultInjection.Status status = null;
    if (hasHttp == hasGrpc) {
      r.errors().add(Messages.exactlyOneOf(HTTP_STATUS, GRPC_STATUS));
    } else if (hasHttp) {
      Integer code = r.integer(HTTP_STATUS);
      status = code == null ? null : new FaultInjection.HttpStatus(code);
    } else {
      FaultInjection.GrpcCode code =
          r.enumValue(GRPC_STATUS, FaultInjection.GrpcCode.class, null);
      status = code == null ? null : new FaultInjection.GrpcStatus(code);
    }
    Integer percentage = r.integer(PERCENTAGE);
    return r.finish()
        ? Optional.of(new FaultInjection.Abort(status, percentage))
        : Optional.empty();
  }

  static ObjectNode encode(FaultInjection fault) {
    ObjectNode n = Trees.object();
    n.put("drill", fault.drill());
    fault.delay().ifPresent(d -> {
      ObjectNode dn = n.putObject("delay");
      Trees.putDuration(dn, "duration", d.duration());
      dn.put(PERCENTAGE, d.percentage());
    });
    fault.abort().ifPresent(a -> {
      ObjectNode an = n.putObject("abort");
      if (a.status() instanceof FaultInjection.HttpStatus http) {
        an.put(HTTP_STATUS, http.code());
      } else if (a.status() instanceof FaultInjection.GrpcStatus grpc) {
        an.put(GRPC_STATUS, grpc.code().name());
      } else {
        throw new AssertionError(a.status());
      }
      an.put(PERCENTAGE, a.percentage());
    });
    n.put("maxActiveFaults", fault.maxActiveFaults());
    // Written only when true: the default is the safe side, and one spelling stays canonical.
    if (fault.allowNonIdempotentWrite()) {
      n.put(ALLOW_NON_IDEMPOTENT_WRITE, true);
    }
    return n;
  }
}
