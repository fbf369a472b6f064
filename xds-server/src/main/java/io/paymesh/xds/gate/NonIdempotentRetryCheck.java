package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.paymesh.config.model.OperationKind;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Payment invariant 1: a charge is never sent twice by the mesh. NON_IDEMPOTENT_WRITE routes retry
 * beyond "never reached the app" only for requests carrying an idempotency key; proxyless clients
 * cannot be told so and get no retry policy at all; nothing hedges. A route without its operation
 * metadata cannot be judged and is rejected.
 */
final class NonIdempotentRetryCheck implements GateCheck {
  static final String INVARIANT = "1";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    for (XdsWalk.RouteRef ref : XdsWalk.routes(resources)) {
      if (ref.route().getRoute().hasHedgePolicy() || ref.vhost().hasHedgePolicy()) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "hedge_policy is set; payment requests are never hedged"));
      }
      Optional<String> operation = ref.operation();
      if (operation.isEmpty()) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "route has no " + XdsNames.METADATA_NAMESPACE + " "
                + XdsNames.METADATA_OPERATION + " metadata"));
        continue;
      }
      if (!isKnown(operation.get())) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "route has unknown operation '" + operation.get() + "'"));
        continue;
      }
      if (!operation.get().equals(OperationKind.NON_IDEMPOTENT_WRITE.name())) {
        continue;
      }
      Optional<RetryPolicy> retry = ref.effectiveRetryPolicy();
      if (retry.isEmpty()) {
        continue;
      }
      if (group.form() == ProxyForm.PROXYLESS) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "NON_IDEMPOTENT_WRITE route has a retry_policy, which proxyless clients cannot"
                + " restrict to requests with an " + XdsNames.IDEMPOTENCY_KEY_HEADER
                + " header"));
        continue;
      }
      List<String> unsafe = XdsWalk.unsafeRetryOn(retry.get());
      if (!unsafe.isEmpty() && !requiresIdempotencyKey(retry.get())) {
        out.add(new GateViolation(ref.resource(), INVARIANT,
            "NON_IDEMPOTENT_WRITE route retries on " + unsafe + " without requiring the "
                + XdsNames.IDEMPOTENCY_KEY_HEADER + " header"));
      }
    }
    return out;
  }

  /** Envoy retries only when all retriable_request_headers match; the key must be among them. */
  private static boolean requiresIdempotencyKey(RetryPolicy retry) {
    for (HeaderMatcher header : retry.getRetriableRequestHeadersList()) {
      if (header.getName().equalsIgnoreCase(XdsNames.IDEMPOTENCY_KEY_HEADER)
          && header.getHeaderMatchSpecifierCase()
              == HeaderMatcher.HeaderMatchSpecifierCase.PRESENT_MATCH
          && header.getPresentMatch()
          && !header.getInvertMatch()) {
        return true;
      }
    }
    return false;
  }

  private static boolean isKnown(String operation) {
    return Arrays.stream(OperationKind.values()).anyMatch(k -> k.name().equals(operation));
  }
}
