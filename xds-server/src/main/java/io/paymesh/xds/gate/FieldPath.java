package io.paymesh.xds.gate;

import java.util.Arrays;

/**
 * Where a value sits inside a resource, as violations name it:
 * {@code filter_chains[0].transport_socket.typed_config.common_tls_context}, map values by key
 * ({@code typed_extension_protocol_options[envoy.extensions.upstreams.http.v3...]}), an Any's
 * payload by the Any's own path. Mutable while {@link MessageWalk} descends; the text is built
 * only when a check reports something.
 */
final class FieldPath {
  private final StringBuilder text = new StringBuilder();
  private int[] marks = new int[16];
  private int depth;

  void push(String field) {
    mark();
    if (!text.isEmpty()) {
      text.append('.');
    }
    text.append(field);
  }

  void pushIndex(String field, int index) {
    push(field);
    text.append('[').append(index).append(']');
  }

  void pushKey(String field, Object key) {
    push(field);
    text.append('[').append(key).append(']');
  }

  void pop() {
    text.setLength(marks[--depth]);
  }

  /** The path of a field of the message at this path. */
  String child(String field) {
    return text.isEmpty() ? field : text + "." + field;
  }

  @Override
  public String toString() {
    return text.toString();
  }

  private void mark() {
    if (depth == marks.length) {
      marks = Arrays.copyOf(marks, depth * 2);
    }
    marks[depth++] = text.length();
  }
}
