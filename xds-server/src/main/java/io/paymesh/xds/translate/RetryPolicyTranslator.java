package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.duration;
import static io.paymesh.xds.translate.ProtoValues.uint32;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.model.RouteTable;
import java.util.Optional;

/**
 * Translates a route's retry policy, applying payment invariant 1: a non-idempotent write is
 * retried past "never reached the app" failures only when the request carries an idempotency key.
 * Hedging is never configured.
 */
final class RetryPolicyTranslator {

  Optional<RetryPolicy> retryPolicy(RouteTable.Route route, ProxyForm form) {
    if (route.retry().isEmpty()) {
      return Optional.empty();
    }
    boolean nonIdempotent = route.operation() == OperationKind.NON_IDEMPOTENT_WRITE;
    if (nonIdempotent && form == ProxyForm.PROXYLESS) {
      // grpc-java ignores retriable_request_headers, so it cannot be told to retry only requests
      // that carry an idempotency key: any retry policy would re-send a charge. We send none.
      // grpc-java still retries transparently an RPC that never left the client (no stream was
      // created), which is the proxyless equivalent of connect-failure/refused-stream.
      return Optional.empty();
    }
    RouteTable.RetryPolicy retry = route.retry().get();
    RetryPolicy.Builder policy =
        RetryPolicy.newBuilder()
            .setRetryOn(String.join(",", retry.retryOn()))
            .setNumRetries(uint32(retry.numRetries()));
    retry.perTryTimeout().ifPresent(t -> policy.setPerTryTimeout(duration(t)));
    if (nonIdempotent && beyondSafe(retry)) {
      // Envoy then retries only requests carrying the header; others get no retry at all.
      policy.addRetriableRequestHeaders(
          HeaderMatcher.newBuilder()
              .setName(XdsNames.IDEMPOTENCY_KEY_HEADER)
              .setPresentMatch(true));
    }
    return Optional.of(policy.build());
  }

  private static boolean beyondSafe(RouteTable.RetryPolicy retry) {
    return !XdsNames.SAFE_RETRY_ON.containsAll(retry.retryOn());
  }
}
