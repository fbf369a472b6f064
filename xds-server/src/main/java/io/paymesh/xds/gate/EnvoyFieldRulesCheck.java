package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Payment invariant 9, Envoy's own field rules: every message of every resource passes the
 * protoc-gen-validate rules of the Envoy API (the validators envoy-validators generates), as
 * Envoy applies them when it loads a resource or instantiates a typed config. The generated
 * validators recurse through {@link FieldRuleIndex}, which reaches every nested message, repeated
 * element, map value and Any payload. A message reports its first broken rule, so one message
 * yields at most one violation.
 *
 * <p>Fails closed: an Any of a type paymesh does not emit, or a message type that can have rules
 * but has no generated validator (its file is missing from envoy-validators), is itself a
 * violation, since its rules cannot be checked.
 */
final class EnvoyFieldRulesCheck implements GateCheck {
  static final String INVARIANT = "9";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    resources.listeners().forEach(l -> FieldRuleIndex.check(ResourceNames.listener(l), l, out));
    resources.routes().forEach(
        r -> FieldRuleIndex.check(ResourceNames.routeConfiguration(r), r, out));
    resources.clusters().forEach(c -> FieldRuleIndex.check(ResourceNames.cluster(c), c, out));
    resources.secrets().forEach(s -> FieldRuleIndex.check(ResourceNames.secret(s), s, out));
    return out;
  }

  @Override
  public List<GateViolation> checkLoadAssignments(
      PolicySnapshot snapshot, ProxyGroup group, List<ClusterLoadAssignment> assignments) {
    List<GateViolation> out = new ArrayList<>();
    assignments.forEach(e -> FieldRuleIndex.check(ResourceNames.loadAssignment(e), e, out));
    return out;
  }
}
