package io.paymesh.xds.testing;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test fixture started, closed newest first. Every one is closed even when some fail;
 * the first failure is rethrown at the end.
 */
final class Started implements AutoCloseable {
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  void push(AutoCloseable resource) {
    resources.push(resource);
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
