package io.paymesh.xds.gate;

import com.google.protobuf.Message;
import io.paymesh.xds.translate.ClientFamily;
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
final class EnvoyFieldRulesCheck extends ResourceCheck {
  static final String INVARIANT = "9";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  void judge(String resource, Message message, ClientFamily client, List<GateViolation> out) {
    FieldRuleIndex.check(resource, message, out);
  }
}
