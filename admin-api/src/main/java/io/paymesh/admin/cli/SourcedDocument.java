package io.paymesh.admin.cli;

import io.paymesh.config.model.PolicyResource;

/**
 * A policy document and where it was read from ({@code payments.yaml}, {@code payments.yaml#2}
 * for the second document of a stream, {@code <stdin>}), so every message can name both.
 */
record SourcedDocument(PolicyResource resource, String origin) {

  /** {@code payments.yaml (RouteTable/payments)}. */
  String label() {
    return origin + " (" + resource.key() + ")";
  }
}
