package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Visits every message inside a resource, depth first in field-number order: each set singular
 * message field, each element of a repeated message field, each message value of a map field,
 * and the payload of every Any whose type {@link TypedConfigTypes} knows (unpacked under the
 * Any's own path). Invariant 8 walks resources with it; invariant 9 recurses through the generated
 * validators instead ({@link FieldRuleIndex}) and uses {@link #messageFields} where a type has
 * none.
 *
 * <p>It reads only message-typed fields, listed once per type, through the generated accessors
 * ({@link MessageFieldReader}; map entries through protobuf reflection), and enters only those
 * whose type can hold what the check looks at ({@link TypeReach}).
 */
final class MessageWalk {
  private static final Map<Descriptor, List<FieldDescriptor>> MESSAGE_FIELDS =
      new ConcurrentHashMap<>();

  /** What a check does with what the walk reaches. */
  interface Visitor {
    /**
     * A message at {@code path}: the resource itself ({@code field} null), the value of
     * {@code field}, or the payload of the Any in {@code field}, which is visited first.
     *
     * @return whether to walk into the message's fields (or, for an Any, its payload)
     */
    boolean visit(FieldPath path, FieldDescriptor field, Message message);

    /** An Any whose type is not one paymesh emits: nothing inside it can be read. */
    void unknownType(FieldPath path, Any any);

    /** An Any of a type paymesh emits whose bytes do not parse as that type. */
    void undecodable(FieldPath path, Any any);
  }

  private MessageWalk() {}

  /**
   * Walks {@code resource}, entering only fields whose type {@code reach} says can hold what the
   * visitor looks at (the resource itself is always visited).
   */
  static void walk(Message resource, TypeReach reach, Visitor visitor) {
    walk(resource, null, new FieldPath(), reach, visitor);
  }

  private static void walk(Message message, FieldDescriptor field, FieldPath path,
      TypeReach reach, Visitor visitor) {
    if (!visitor.visit(path, field, message)) {
      return;
    }
    if (message instanceof Any any) {
      if (!TypedConfigTypes.isFilterEnabler(field, any)) {
        payload(any, path, visitor).ifPresent(p -> walk(p, field, path, reach, visitor));
      }
      return;
    }
    for (Child child : reach.childrenToEnter(message)) {
      FieldDescriptor childField = child.field();
      if (child.mapKey() != null) {
        int count = message.getRepeatedFieldCount(childField);
        for (int i = 0; i < count; i++) {
          Message entry = (Message) message.getRepeatedField(childField, i);
          path.pushKey(childField.getName(), entry.getField(child.mapKey()));
          walk((Message) entry.getField(child.mapValue()), childField, path, reach, visitor);
          path.pop();
        }
      } else if (child.repeated()) {
        int count = child.reader().count(message);
        for (int i = 0; i < count; i++) {
          path.pushIndex(childField.getName(), i);
          walk(child.reader().get(message, i), childField, path, reach, visitor);
          path.pop();
        }
      } else if (child.reader().has(message)) {
        path.push(childField.getName());
        walk(child.reader().get(message), childField, path, reach, visitor);
        path.pop();
      }
    }
  }

  private static Optional<Message> payload(Any any, FieldPath path, Visitor visitor) {
    try {
      Optional<Message> payload = TypedConfigTypes.unpack(any);
      if (payload.isEmpty()) {
        visitor.unknownType(path, any);
      }
      return payload;
    } catch (InvalidProtocolBufferException e) {
      visitor.undecodable(path, any);
      return Optional.empty();
    }
  }

  /**
   * A field that holds messages, as a walk reads it: its shape worked out once per type rather
   * than asked of the descriptor at every message (a cold replica's first builds walk thousands).
   *
   * @param mapKey the key field of a map's entries, null if the field is not a map
   * @param mapValue the value field of a map's entries, null if the field is not a map
   * @param reader reads a field that is not a map through the generated accessors, null for a
   *     map (whose entries a walk reads through reflection, keys and all)
   */
  record Child(FieldDescriptor field, boolean repeated, FieldDescriptor mapKey,
      FieldDescriptor mapValue, Descriptor heldType, MessageFieldReader reader) {
    /** The child {@code field} of messages like {@code sample} (same type, same class). */
    static Child of(Message sample, FieldDescriptor field) {
      boolean map = field.isMapField();
      Descriptor entry = field.getMessageType();
      return new Child(field, field.isRepeated(), map ? entry.findFieldByNumber(1) : null,
          map ? entry.findFieldByNumber(2) : null, TypeReach.heldType(field),
          map ? null : MessageFieldReader.of(sample, field));
    }
  }

  /**
   * Fields that hold messages: singular, repeated, or maps whose values are messages; in
   * field-number order.
   */
  static List<FieldDescriptor> messageFields(Descriptor type) {
    return MESSAGE_FIELDS.computeIfAbsent(type, t -> t.getFields().stream()
        .filter(f -> f.getJavaType() == FieldDescriptor.JavaType.MESSAGE)
        .filter(f -> !f.isMapField() || f.getMessageType().findFieldByNumber(2).getJavaType()
            == FieldDescriptor.JavaType.MESSAGE)
        .sorted(Comparator.comparingInt(FieldDescriptor::getNumber))
        .toList());
  }
}
