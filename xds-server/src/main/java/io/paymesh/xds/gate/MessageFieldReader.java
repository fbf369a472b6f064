package io.paymesh.xds.gate;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;

/**
 * Reads one singular or repeated message field of a generated message class through the class's
 * own accessors ({@code hasFoo()}, {@code getFoo()}, {@code getFooCount()}, {@code getFoo(int)}),
 * for the Gate's walks.
 *
 * <p>Protobuf's reflection ({@code Message.getField}) calls those same accessors through
 * {@code java.lang.reflect.Method.invoke}, which on this JDK looks up its caller's class and
 * checks access on every call: in a replica's first builds that was 16 % of the CPU of
 * translating, checking and hashing 1,000 groups (docs/performance.md). Method handles of the
 * public accessors are checked once, when looked up.
 *
 * <p>A message of another class (a {@code DynamicMessage} of the same type) is read through
 * reflection, as is every message of a class whose accessors are not found under the names protoc
 * gives them: the reader is a shortcut, never a different answer.
 */
final class MessageFieldReader {
  private static final MethodType HAS = MethodType.methodType(boolean.class, Message.class);
  private static final MethodType GET = MethodType.methodType(Message.class, Message.class);
  private static final MethodType COUNT = MethodType.methodType(int.class, Message.class);
  private static final MethodType GET_AT =
      MethodType.methodType(Message.class, Message.class, int.class);

  /** The class whose accessors the handles call; null when there are none to call. */
  private final Class<?> owner;
  private final FieldDescriptor field;
  /** hasFoo() and getFoo() of a singular field; getFooCount() and getFoo(int) of a repeated. */
  private final MethodHandle presence;
  private final MethodHandle value;

  private MessageFieldReader(
      Class<?> owner, FieldDescriptor field, MethodHandle presence, MethodHandle value) {
    this.owner = owner;
    this.field = field;
    this.presence = presence;
    this.value = value;
  }

  /**
   * The reader of {@code field}, a message field that is not a map, of messages of
   * {@code sample}'s class: through the class's accessors if it has public ones of the names and
   * shapes protoc generates, through reflection otherwise.
   */
  static MessageFieldReader of(Message sample, FieldDescriptor field) {
    if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
      throw new IllegalArgumentException(field.getFullName() + " is not a message field");
    }
    if (field.getContainingType() != sample.getDescriptorForType()) {
      throw new IllegalArgumentException(field.getFullName() + " is not a field of "
          + sample.getDescriptorForType().getFullName());
    }
    Class<? extends Message> owner = sample.getClass();
    String name = capitalizedCamelCase(field.getName());
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    try {
      if (field.isRepeated()) {
        Method count = owner.getMethod("get" + name + "Count");
        Method element = owner.getMethod("get" + name, int.class);
        if (count.getReturnType() == int.class && returnsMessage(element)) {
          return new MessageFieldReader(owner, field,
              lookup.unreflect(count).asType(COUNT), lookup.unreflect(element).asType(GET_AT));
        }
      } else {
        Method has = owner.getMethod("has" + name);
        Method get = owner.getMethod("get" + name);
        if (has.getReturnType() == boolean.class && returnsMessage(get)) {
          return new MessageFieldReader(owner, field,
              lookup.unreflect(has).asType(HAS), lookup.unreflect(get).asType(GET));
        }
      }
    } catch (NoSuchMethodException | IllegalAccessException e) {
      // Not the accessors protoc generates: read through reflection.
    }
    return new MessageFieldReader(null, field, null, null);
  }

  /** Whether this reader calls the generated accessors (false: it reads through reflection). */
  boolean readsAccessors() {
    return owner != null;
  }

  /** Whether a singular field is set (as {@code Message.hasField}). */
  boolean has(Message message) {
    if (message.getClass() != owner) {
      return message.hasField(field);
    }
    try {
      return (boolean) presence.invokeExact(message);
    } catch (Throwable e) {
      throw accessorFailed(e);
    }
  }

  /** A singular field's value (as {@code Message.getField}). */
  Message get(Message message) {
    if (message.getClass() != owner) {
      return (Message) message.getField(field);
    }
    try {
      return (Message) value.invokeExact(message);
    } catch (Throwable e) {
      throw accessorFailed(e);
    }
  }

  /** A repeated field's length (as {@code Message.getRepeatedFieldCount}). */
  int count(Message message) {
    if (message.getClass() != owner) {
      return message.getRepeatedFieldCount(field);
    }
    try {
      return (int) presence.invokeExact(message);
    } catch (Throwable e) {
      throw accessorFailed(e);
    }
  }

  /** A repeated field's element (as {@code Message.getRepeatedField}). */
  Message get(Message message, int index) {
    if (message.getClass() != owner) {
      return (Message) message.getRepeatedField(field, index);
    }
    try {
      return (Message) value.invokeExact(message, index);
    } catch (Throwable e) {
      throw accessorFailed(e);
    }
  }

  /**
   * The accessor name protoc's Java generator gives a field: each letter after an underscore or
   * a digit, and the first, in upper case, underscores dropped ({@code typed_config} ->
   * {@code TypedConfig}, {@code ipv4_compat} -> {@code Ipv4Compat}). A field whose name protoc
   * changes further (one that would clash with a method of every message) is not found under it
   * and is read through reflection.
   */
  static String capitalizedCamelCase(String fieldName) {
    StringBuilder out = new StringBuilder(fieldName.length());
    boolean upperNext = true;
    for (char c : fieldName.toCharArray()) {
      if (c >= 'a' && c <= 'z') {
        out.append(upperNext ? Character.toUpperCase(c) : c);
        upperNext = false;
      } else if (c >= 'A' && c <= 'Z') {
        out.append(c);
        upperNext = false;
      } else if (c >= '0' && c <= '9') {
        out.append(c);
        upperNext = true;
      } else {
        upperNext = true;
      }
    }
    return out.toString();
  }

  private static boolean returnsMessage(Method method) {
    return Message.class.isAssignableFrom(method.getReturnType());
  }

  /** Generated accessors do not throw; one that does is a bug to surface as it is. */
  private RuntimeException accessorFailed(Throwable e) {
    if (e instanceof RuntimeException unchecked) {
      return unchecked;
    }
    if (e instanceof Error error) {
      throw error;
    }
    return new IllegalStateException("reading " + field.getFullName() + " failed", e);
  }
}
