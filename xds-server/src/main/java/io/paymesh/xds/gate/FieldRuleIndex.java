package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.ValidationException;
import io.envoyproxy.pgv.Validator;
import io.envoyproxy.pgv.ValidatorImpl;
import io.envoyproxy.pgv.ValidatorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link ValidatorIndex} the generated validators of one resource recurse through. A
 * generated validator checks its message's own fields and hands every nested message (set
 * fields, repeated elements, map values, oneof members, except fields marked {@code skip}) to
 * the index; this one validates each with its own generated validator, so the recursion runs on
 * generated accessors. Where protoc-gen-validate's stock {@code ReflectiveValidatorIndex} stops,
 * it goes on:
 *
 * <ul>
 *   <li>an {@code Any} is unpacked by {@link TypedConfigTypes} and its payload validated; an Any
 *       it cannot unpack is a violation;
 *   <li>a message type without a validator of its own (protoc-gen-validate generates none for a
 *       file without rules, such as the RBAC HTTP filter's, nor for the well-known types) is
 *       walked as {@link MessageWalk} walks (generated accessors; map entries by reflection),
 *       and each message in it handed back to the index; such a type whose file could hold
 *       rules means its validator was not generated, a violation.
 * </ul>
 *
 * <p>A broken rule is caught where it happens and recorded, and the walk goes on: every message
 * reports its first broken rule. The field path is worked out only then, from the chain of
 * messages being validated: each one is found among its parent's fields by identity (protobuf
 * getters return the stored instance). Should one instance sit twice in the same message, the
 * first place is named.
 */
final class FieldRuleIndex implements ValidatorIndex {
  /** Every message field of a type without a validator, read as {@link MessageWalk} reads it. */
  private static final TypeReach EVERY_FIELD = TypeReach.everyType();
  private final String resource;
  private final List<GateViolation> out;
  /** The messages being validated, the resource first. */
  private final List<Message> chain = new ArrayList<>();
  private final Validator<Object> validator = m -> validate((Message) m);

  private FieldRuleIndex(String resource, List<GateViolation> out) {
    this.resource = resource;
    this.out = out;
  }

  /** Adds the violations of {@code message}, a resource named {@code resource}, to {@code out}. */
  static void check(String resource, Message message, List<GateViolation> out) {
    new FieldRuleIndex(resource, out).validate(message);
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> Validator<T> validatorFor(Class clazz) {
    return (Validator<T>) validator;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> Validator<T> validatorFor(Object instance) {
    return (Validator<T>) validator;
  }

  private void validate(Message message) {
    chain.add(message);
    try {
      if (message instanceof Any any) {
        Message holder = chain.size() > 1 ? chain.get(chain.size() - 2) : null;
        if (!TypedConfigTypes.isFilterEnabler(holder, any)) {
          payload(any).ifPresent(this::validate);
        }
        return;
      }
      Optional<ValidatorImpl<Message>> generated = FieldRules.validatorOf(message.getClass());
      if (generated.isPresent()) {
        try {
          generated.get().assertValid(message, this);
        } catch (ValidationException e) {
          report(RuleReasons.describe(path(), message, e));
        }
        return;
      }
      if (FieldRules.declaresRules(message.getDescriptorForType())) {
        report("cannot check " + pathOrResource() + ": no field rules were generated for "
            + message.getDescriptorForType().getFullName());
      }
      walkFields(message);
    } finally {
      chain.remove(chain.size() - 1);
    }
  }

  /** The messages inside a message that has no validator to hand them to the index. */
  private void walkFields(Message message) {
    for (MessageWalk.Child child : EVERY_FIELD.childrenToEnter(message)) {
      if (child.mapValue() != null) {
        int count = message.getRepeatedFieldCount(child.field());
        for (int i = 0; i < count; i++) {
          Message entry = (Message) message.getRepeatedField(child.field(), i);
          validate((Message) entry.getField(child.mapValue()));
        }
      } else if (child.repeated()) {
        int count = child.reader().count(message);
        for (int i = 0; i < count; i++) {
          validate(child.reader().get(message, i));
        }
      } else if (child.reader().has(message)) {
        validate(child.reader().get(message));
      }
    }
  }

  private Optional<Message> payload(Any any) {
    try {
      Optional<Message> payload = TypedConfigTypes.unpack(any);
      if (payload.isEmpty()) {
        report("cannot check " + path() + " of type " + any.getTypeUrl()
            + ": not a type paymesh emits, so its field rules are unknown");
      }
      return payload;
    } catch (InvalidProtocolBufferException e) {
      report("cannot decode " + path() + " as " + any.getTypeUrl());
      return Optional.empty();
    }
  }

  private void report(String message) {
    out.add(new GateViolation(resource, EnvoyFieldRulesCheck.INVARIANT, message));
  }

  private String pathOrResource() {
    String text = path().toString();
    return text.isEmpty() ? "the resource" : text;
  }

  /** Where the last message of the chain sits in the resource. */
  private FieldPath path() {
    FieldPath path = new FieldPath();
    for (int i = 1; i < chain.size(); i++) {
      Message parent = chain.get(i - 1);
      if (!(parent instanceof Any)) {
        locate(parent, chain.get(i), path);
      }
    }
    return path;
  }

  /** Pushes the field of {@code parent} that holds {@code child}: {@code f}, {@code f[2]}, {@code f[key]}. */
  private static void locate(Message parent, Message child, FieldPath path) {
    for (FieldDescriptor field : MessageWalk.messageFields(parent.getDescriptorForType())) {
      if (field.isMapField()) {
        FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
        FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
        for (int i = 0; i < parent.getRepeatedFieldCount(field); i++) {
          Message entry = (Message) parent.getRepeatedField(field, i);
          if (entry.getField(value) == child) {
            path.pushKey(field.getName(), entry.getField(key));
            return;
          }
        }
      } else if (field.isRepeated()) {
        for (int i = 0; i < parent.getRepeatedFieldCount(field); i++) {
          if (parent.getRepeatedField(field, i) == child) {
            path.pushIndex(field.getName(), i);
            return;
          }
        }
      } else if (parent.hasField(field) && parent.getField(field) == child) {
        path.push(field.getName());
        return;
      }
    }
    // Not expected: generated getters return the stored instance. The violation must still be
    // reported (an exception here would stop the whole publish), with this step unnamed.
    path.push("?");
  }
}
