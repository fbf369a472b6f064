package io.paymesh.config.store;

import java.util.List;

/**
 * A document found in etcd that failed decoding or validation (it was written there by hand). It is
 * left out of the snapshot; the reasons are kept so they can be logged and shown to operators.
 *
 * @param key the etcd key
 * @param errors path-qualified reasons, e.g. {@code routes[charge].timeout: required}
 */
public record RejectedDocument(String key, long modRevision, List<String> errors) {
  public RejectedDocument {
    errors = List.copyOf(errors);
  }
}
