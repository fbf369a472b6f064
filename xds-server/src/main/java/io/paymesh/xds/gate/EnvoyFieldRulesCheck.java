package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.ValidationException;
import io.envoyproxy.pgv.ValidatorImpl;
import io.envoyproxy.pgv.ValidatorIndex;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Payment invariant 9, Envoy's own field rules: every message of every resource passes the
 * protoc-gen-validate rules of the Envoy API (the validators envoy-validators generates), as
 * Envoy applies them when it loads a resource or instantiates a typed config. {@link MessageWalk}
 * reaches every nested message, repeated element, map value and Any payload; each message is
 * checked against its own rules once ({@link #OWN_FIELDS_ONLY}). A message reports its first
 * broken rule, so one message yields at most one violation.
 *
 * <p>Fails closed: an Any of a type paymesh does not emit, or a message type that can have rules
 * but has no generated validator (its file is missing from envoy-validators), is itself a
 * violation, since its rules cannot be checked.
 */
final class EnvoyFieldRulesCheck implements GateCheck {
  static final String INVARIANT = "9";
  /**
   * Generated validators call the index for every nested message. The walk reaches those
   * itself, with their paths, so the index answers "valid" and each validator checks only the
   * fields of its own message.
   */
  private static final ValidatorIndex OWN_FIELDS_ONLY = ValidatorIndex.ALWAYS_VALID;

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    resources.listeners().forEach(l -> check(ResourceNames.listener(l), l, out));
    resources.routes().forEach(r -> check(ResourceNames.routeConfiguration(r), r, out));
    resources.clusters().forEach(c -> check(ResourceNames.cluster(c), c, out));
    resources.endpoints().forEach(e -> check(ResourceNames.loadAssignment(e), e, out));
    resources.secrets().forEach(s -> check(ResourceNames.secret(s), s, out));
    return out;
  }

  private static void check(String resource, Message message, List<GateViolation> out) {
    MessageWalk.walk(message, new MessageWalk.Visitor() {
      @Override
      public boolean visit(FieldPath path, FieldDescriptor field, Message value) {
        if (field != null && FieldRules.skipped(field)) {
          return false;
        }
        Optional<ValidatorImpl<Message>> validator = FieldRules.validatorOf(value.getClass());
        if (validator.isPresent()) {
          try {
            validator.get().assertValid(value, OWN_FIELDS_ONLY);
          } catch (ValidationException e) {
            out.add(new GateViolation(resource, INVARIANT, RuleReasons.describe(path, value, e)));
          }
        } else if (FieldRules.declaresRules(value.getDescriptorForType())) {
          out.add(new GateViolation(resource, INVARIANT, "cannot check " + pathOrResource(path)
              + ": no field rules were generated for "
              + value.getDescriptorForType().getFullName()));
        }
        return true;
      }

      @Override
      public void unknownType(FieldPath path, Any any) {
        out.add(new GateViolation(resource, INVARIANT, "cannot check " + path + " of type "
            + any.getTypeUrl() + ": not a type paymesh emits, so its field rules are unknown"));
      }

      @Override
      public void undecodable(FieldPath path, Any any) {
        out.add(new GateViolation(resource, INVARIANT,
            "cannot decode " + path + " as " + any.getTypeUrl()));
      }
    });
  }

  private static String pathOrResource(FieldPath path) {
    String text = path.toString();
    return text.isEmpty() ? "the resource" : text;
  }
}
