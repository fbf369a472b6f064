package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which message types can hold, at any depth, one of the types a check looks at: a walk for
 * that check need not enter the others (a Duration, an address, a metadata Struct). Worked out
 * from the descriptors, once per type. An Any can hold anything, so a type that can hold an Any
 * is always entered, and a check still sees every payload.
 */
final class TypeReach {
  private final Set<String> wanted;
  private final boolean everyType;
  private final Map<Descriptor, Boolean> reaches = new ConcurrentHashMap<>();
  private final Map<Descriptor, List<MessageWalk.Child>> children = new ConcurrentHashMap<>();

  /** @param wanted the types the check looks at */
  TypeReach(Set<Descriptor> wanted) {
    this(wanted, false);
  }

  private TypeReach(Set<Descriptor> wanted, boolean everyType) {
    this.wanted = new HashSet<>();
    wanted.forEach(type -> this.wanted.add(type.getFullName()));
    this.everyType = everyType;
  }

  /** A reach that enters every message: a walk without pruning. */
  static TypeReach everyType() {
    return new TypeReach(Set.of(), true);
  }

  /** Whether a message of {@code type} is, or can hold, a wanted type or an Any. */
  boolean mayHold(Descriptor type) {
    return everyType || reaches.computeIfAbsent(type, this::search);
  }

  /**
   * The message fields of {@code message}'s type a walk enters: those whose messages may hold a
   * wanted type, in field-number order; worked out once per type, from the first message of it.
   */
  List<MessageWalk.Child> childrenToEnter(Message message) {
    // Looked up first: computeIfAbsent's lambda captures the message, so calling it on every
    // message a walk meets would allocate one each time for a type worked out long ago.
    List<MessageWalk.Child> known = children.get(message.getDescriptorForType());
    return known != null ? known : children.computeIfAbsent(message.getDescriptorForType(),
        type -> MessageWalk.messageFields(type).stream()
            .filter(field -> mayHold(heldType(field)))
            .map(field -> MessageWalk.Child.of(message, field))
            .toList());
  }

  /** The type of the messages a message field holds: the field's, or its map values'. */
  static Descriptor heldType(FieldDescriptor field) {
    return field.isMapField()
        ? field.getMessageType().findFieldByNumber(2).getMessageType()
        : field.getMessageType();
  }

  private boolean search(Descriptor from) {
    Set<String> seen = new HashSet<>();
    Deque<Descriptor> next = new ArrayDeque<>();
    next.add(from);
    while (!next.isEmpty()) {
      Descriptor type = next.poll();
      if (!seen.add(type.getFullName())) {
        continue;
      }
      if (wanted.contains(type.getFullName())
          || type.getFullName().equals(Any.getDescriptor().getFullName())) {
        return true;
      }
      for (FieldDescriptor field : MessageWalk.messageFields(type)) {
        next.add(heldType(field));
      }
    }
    return false;
  }
}
