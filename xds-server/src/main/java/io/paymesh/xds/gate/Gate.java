package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * The check between translation and push: references resolve, the payment invariants hold and
 * every resource passes Envoy's own field rules (invariant 9). Output checks read only the
 * resources (and the route metadata the translator writes), so a translator bug cannot hide
 * behind the policy it was given.
 */
public final class Gate {
  private final List<GateCheck> checks;

  public Gate() {
    this(allChecks());
  }

  /** A Gate of some checks only: for tests and benchmarks that measure one of them. */
  Gate(List<GateCheck> checks) {
    this.checks = List.copyOf(checks);
  }

  static List<GateCheck> allChecks() {
    return List.of(
        new PolicyReferenceCheck(),
        new ResourceReferenceCheck(),
        new NonIdempotentRetryCheck(),
        new RetryBudgetCheck(),
        new ProcessorFailoverCheck(),
        new StickySplitCheck(),
        new InboundRbacCheck(),
        new EgressScopeCheck(),
        new CdeMtlsCheck(),
        new InlinePrivateKeyCheck(),
        new FaultDrillCheck(),
        new GatewayCheck(),
        new AccessLogCheck(),
        new ResponseCacheCheck(),
        new ClientCompatibilityCheck(),
        new EnvoyFieldRulesCheck(),
        new EndpointAddressCheck(),
        new LoadBalancingWeightCheck());
  }

  public GateResult check(PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    GroupResources withoutEndpoints = resources.withLoadAssignmentNamesOnly();
    List<GateViolation> violations = new ArrayList<>();
    for (GateCheck check : checks) {
      violations.addAll(check.check(snapshot, group, withoutEndpoints));
      violations.addAll(check.checkLoadAssignments(snapshot, group, resources.endpoints()));
    }
    return new GateResult(violations);
  }

  /**
   * The verdict on new load assignments of a group that passed {@link #check} and whose other
   * resources, and the names of its load assignments, are unchanged: an endpoint change. The rest
   * of the verdict cannot differ, since no check sees endpoint content outside this part (see
   * {@link GateCheck}).
   */
  public GateResult checkLoadAssignments(
      PolicySnapshot snapshot, ProxyGroup group, List<ClusterLoadAssignment> assignments) {
    List<GateViolation> violations = new ArrayList<>();
    for (GateCheck check : checks) {
      violations.addAll(check.checkLoadAssignments(snapshot, group, assignments));
    }
    return new GateResult(violations);
  }
}
