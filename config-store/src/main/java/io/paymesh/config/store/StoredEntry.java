package io.paymesh.config.store;

import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import java.util.Optional;

/** One decoded etcd key/value of the policy input: a document, an endpoint, or a rejection. */
sealed interface StoredEntry {

  /** A document that decodes, validates and matches its key, written at {@code modRevision}. */
  record Document(PolicyResource resource, long modRevision) implements StoredEntry {}

  record Instance(Endpoint endpoint) implements StoredEntry {}

  /**
   * @param policyDocument the document the key names, when it is a policy key: only then can an
   *     earlier version be kept in its place (an endpoint or a malformed key has none)
   */
  record Rejected(RejectedDocument document, Optional<ResourceKey> policyDocument)
      implements StoredEntry {
    boolean canKeepLastGood() {
      return policyDocument.isPresent();
    }
  }
}
