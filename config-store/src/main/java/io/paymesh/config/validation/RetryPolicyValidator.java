package io.paymesh.config.validation;

import io.paymesh.config.model.RouteTable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Rules of a route's retry policy, including the retry budget of invariant 2: all attempts must fit
 * in the route timeout, and a per-try timeout is needed once a request may have reached the app.
 */
final class RetryPolicyValidator {
  /** Envoy retry_on conditions, then the gRPC ones (retry_on values of grpc-status). */
  static final List<String> CONDITIONS =
      List.of(
          "connect-failure", "refused-stream", "reset", "5xx", "gateway-error",
          "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
  /** Conditions where the request never reached the application, so retrying cannot double-charge. */
  static final Set<String> SAFE_CONDITIONS = Set.of("connect-failure", "refused-stream");
  static final int MAX_RETRIES = 5;
  static final String PER_TRY_TIMEOUT_REQUIRED =
      "required when retrying conditions other than connect-failure and refused-stream";

  private RetryPolicyValidator() {}

  static void validate(ErrorCollector c, RouteTable.RetryPolicy retry, Duration routeTimeout) {
    boolean anyUnsafe = retryOn(c, retry.retryOn());
    Checks.between(c.at("numRetries"), retry.numRetries(), 1, MAX_RETRIES);
    if (retry.perTryTimeout() == null || retry.perTryTimeout().isEmpty()) {
      if (anyUnsafe) {
        c.add("perTryTimeout", PER_TRY_TIMEOUT_REQUIRED);
      }
      return;
    }
    Duration perTry = retry.perTryTimeout().get();
    if (Checks.positive(c.at("perTryTimeout"), perTry)
        && routeTimeout != null
        && retry.numRetries() >= 1) {
      Duration budget = perTry.multipliedBy(retry.numRetries() + 1L);
      if (budget.compareTo(routeTimeout) > 0) {
        c.add(budgetExceeded(budget, routeTimeout));
      }
    }
  }

  static String budgetExceeded(Duration budget, Duration timeout) {
    return "retry budget (numRetries + 1) x perTryTimeout = "
        + Durations.format(budget) + " exceeds timeout " + Durations.format(timeout);
  }

  /** Validates the conditions; returns whether any known condition is not safe to retry. */
  private static boolean retryOn(ErrorCollector c, List<String> retryOn) {
    if (!Checks.notEmpty(c.at("retryOn"), retryOn)) {
      return false;
    }
    boolean anyUnsafe = false;
    for (int i = 0; i < retryOn.size(); i++) {
      String condition = retryOn.get(i);
      if (!CONDITIONS.contains(condition)) {
        c.atIndex("retryOn", i).add(Messages.oneOf(CONDITIONS));
      } else if (!SAFE_CONDITIONS.contains(condition)) {
        anyUnsafe = true;
      }
    }
    return anyUnsafe;
  }
}
