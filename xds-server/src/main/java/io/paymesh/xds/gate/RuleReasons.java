package io.paymesh.xds.gate;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.envoyproxy.pgv.ValidationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A broken field rule in the Gate's words: the field's path in the resource, protoc-gen-validate's
 * reason and the offending value, e.g. {@code load_assignment.endpoints[1].priority breaks
 * Envoy's field rule: must be less than or equal to 128 (got 129)}.
 */
final class RuleReasons {
  /** How PGV prints a Duration bound: protobuf text format, and nothing at all for zero. */
  private static final Pattern TEXT_DURATION =
      Pattern.compile("seconds: (-?\\d+)\\n(?:nanos: (-?\\d+)\\n)?|nanos: (-?\\d+)\\n");
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private RuleReasons() {}

  /** The exception names the field as {@code .package.Message.field}. */
  static String describe(FieldPath path, Message message, ValidationException e) {
    String fieldName = e.getField().substring(e.getField().lastIndexOf('.') + 1);
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(fieldName);
    String reason = e.getValue() instanceof Duration ? durationBounds(e.getReason()) : e.getReason();
    return path.child(fieldName) + " breaks Envoy's field rule: " + reason
        + got(field, e.getValue());
  }

  /** {@code must be in the range [, seconds: 4294967296\n)} -> {@code [0s, 4294967296s)}. */
  private static String durationBounds(String reason) {
    Matcher m = TEXT_DURATION.matcher(reason);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      long seconds = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
      String nanos = m.group(2) != null ? m.group(2) : m.group(3);
      m.appendReplacement(out, format(seconds, nanos == null ? 0 : Integer.parseInt(nanos)));
    }
    m.appendTail(out);
    String text = out.toString()
        .replaceAll("([\\[(]),", "$10s,")
        .replaceAll(", ([\\])])", ", 0s$1");
    return text.endsWith(" ") ? text + "0s" : text;
  }

  /** The offending value: numbers (unsigned where the field is), booleans and durations. */
  private static String got(FieldDescriptor field, Object value) {
    if (value instanceof Integer i && field != null && isUnsigned(field)) {
      return " (got " + Integer.toUnsignedString(i) + ")";
    }
    if (value instanceof Long l && field != null && isUnsigned(field)) {
      return " (got " + Long.toUnsignedString(l) + ")";
    }
    if (value instanceof Number || value instanceof Boolean) {
      return " (got " + value + ")";
    }
    if (value instanceof Duration d) {
      return " (got " + format(d.getSeconds(), d.getNanos()) + ")";
    }
    return "";
  }

  private static boolean isUnsigned(FieldDescriptor field) {
    return switch (field.getType()) {
      case UINT32, UINT64, FIXED32, FIXED64 -> true;
      case MESSAGE -> field.getMessageType().getFullName().equals("google.protobuf.UInt32Value")
          || field.getMessageType().getFullName().equals("google.protobuf.UInt64Value");
      default -> false;
    };
  }

  /** As operators write durations: {@code 2s}, {@code 250ms}, {@code 5ns}. */
  private static String format(long seconds, int nanos) {
    if (nanos == 0) {
      return seconds + "s";
    }
    long total = seconds * NANOS_PER_SECOND + nanos;
    return total % NANOS_PER_MILLI == 0 ? (total / NANOS_PER_MILLI) + "ms" : total + "ns";
  }
}
