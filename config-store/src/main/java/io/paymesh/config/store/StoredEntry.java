package io.paymesh.config.store;

import io.paymesh.config.model.PolicyResource;

/** One decoded etcd key/value of the policy input: a document, an endpoint, or a rejection. */
sealed interface StoredEntry {

  record Document(PolicyResource resource) implements StoredEntry {}

  record Instance(Endpoint endpoint) implements StoredEntry {}

  record Rejected(RejectedDocument document) implements StoredEntry {}
}
