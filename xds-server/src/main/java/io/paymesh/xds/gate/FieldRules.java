package io.paymesh.xds.gate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.ValidatorImpl;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Envoy's field rules as the envoy-validators module generated them: the protoc-gen-validate
 * validator of a message type, and whether a type can have rules at all.
 */
final class FieldRules {
  private static final ClassValue<Optional<ValidatorImpl<Message>>> VALIDATORS =
      new ClassValue<>() {
        @Override
        protected Optional<ValidatorImpl<Message>> computeValue(Class<?> type) {
          return find(type);
        }
      };
  private static final Map<Descriptor, Boolean> DECLARES_RULES = new ConcurrentHashMap<>();
  private static final String VALIDATE_PROTO = "validate/validate.proto";

  private FieldRules() {}

  /**
   * The generated validator of {@code type}, found as protoc-gen-validate names it: the
   * validator of {@code pkg.Outer.Inner} is {@code pkg.OuterValidator.validatorFor(Inner.class)}.
   * Empty for types whose file declares no rules (protoc-gen-validate generates nothing for them)
   * and for types outside the generated files.
   */
  static Optional<ValidatorImpl<Message>> validatorOf(Class<? extends Message> type) {
    return VALIDATORS.get(type);
  }

  /**
   * Whether the file of {@code type} can declare field rules, i.e. imports validate.proto. Types
   * of other files (the well-known types, some Envoy files such as the RBAC HTTP filter's) have
   * none of their own: the rules on them are written on the fields that use them.
   */
  static boolean declaresRules(Descriptor type) {
    return DECLARES_RULES.computeIfAbsent(type, t -> t.getFile().getDependencies().stream()
        .anyMatch(f -> f.getName().equals(VALIDATE_PROTO)));
  }

  @SuppressWarnings("unchecked")
  private static Optional<ValidatorImpl<Message>> find(Class<?> type) {
    Class<?> outer = type;
    while (outer.getEnclosingClass() != null) {
      outer = outer.getEnclosingClass();
    }
    Class<?> validators;
    try {
      validators = Class.forName(outer.getName() + "Validator", true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      return Optional.empty();
    }
    try {
      Method validatorFor = validators.getDeclaredMethod("validatorFor", Class.class);
      return Optional.ofNullable((ValidatorImpl<Message>) validatorFor.invoke(null, type));
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("unusable generated validator " + validators.getName(), e);
    }
  }
}
